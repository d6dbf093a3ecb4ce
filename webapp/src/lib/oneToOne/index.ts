export { checkRequest, type CheckedRequest, type OneToOneTerms, type RequestProblem } from "./checkRequest";
export { encodeSessionRequestData } from "./requestData";
export { sessionView, type SessionStage, type SessionView } from "./sessionView";
