// Node side: the local message hub (development transport). Not for the browser bundle.
export {
  DEV_TRANSPORT_NOTICE,
  startMessageHub,
  type RunningMessageHub,
  type StartMessageHubParameters,
} from "./startMessageHub.ts";
export { ACCEPTED_TYPES } from "./sniff.ts";
