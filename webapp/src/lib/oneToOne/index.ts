export { checkRequest, type CheckedRequest, type OneToOneTerms, type RequestProblem } from "./checkRequest";
export { chainClockOffset, formatCountdown, formatElapsed } from "./countdown";
export { encodeSessionRequestData } from "./requestData";
export {
  creatorSessionView,
  sessionView,
  type CreatorSessionStage,
  type CreatorSessionView,
  type SessionStage,
  type SessionView,
} from "./sessionView";
export {
  checkSettings,
  MAX_SESSION_AMOUNT,
  SESSION_MINUTES,
  type CheckedSettings,
  type CheckedSettingsValue,
  type SettingsForm,
  type SettingsProblem,
} from "./checkSettings";
