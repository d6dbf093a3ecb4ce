// Voice and video calls: imported dynamically (on a call button's click or an incoming ring), never in the
// messenger's first load.
export {
  Call,
  CallController,
  type CallControllerOptions,
  type CallEnd,
  type CallMedia,
  type CallPhase,
} from "./callController.svelte";
export { default as CallView } from "./CallView.svelte";
export {
  GroupCall,
  GroupCallController,
  GroupCallPeer,
  MAX_CALL_PARTICIPANTS,
  type GroupCallGoingOn,
} from "./groupCall.svelte";
export { default as GroupCallView } from "./GroupCallView.svelte";
