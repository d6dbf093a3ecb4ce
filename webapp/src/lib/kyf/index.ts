export {
  disclosureView,
  formatTimeLeft,
  type DisclosureRecord,
  type DisclosureStage,
  type DisclosureView,
} from "./disclosureState";
export { KyfFanNotAttestedError, KyfServiceError, KyfUnavailableError } from "./errors";
export { CreatorKyfRequestsQuery, FanKyfRequestsQuery, withdrawn, type KyfDisclosureRow } from "./queries";
