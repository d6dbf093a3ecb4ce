// @mesi/streaming: the access gate, the index cache it decides from, the Livepeer adapters and the local
// Livepeer-compatible media server. The webapp's server needs only `mintAccessKey` (also at
// "@mesi/streaming/access-key", which pulls in nothing else).
export { startStreaming, type RunningStreaming, type StartStreamingParameters } from "./startStreaming.ts";
export {
  decideAccess,
  strangerFacts,
  type AccessDecision,
  type AllowReason,
  type CheckedInvite,
  type DenyReason,
  type InviteProblem,
  type OneToOneCall,
  type PrivateCriteria,
  type StreamAccessState,
  type StreamRules,
  type ViewerFacts,
} from "./gate/decideAccess.ts";
export { AccessGate, GateInputError, type GateAnswer } from "./gate/gate.ts";
export { AccessWatcher } from "./gate/accessWatcher.ts";
export { createGateServer, REMOVAL_MESSAGES } from "./gate/gateServer.ts";
export {
  mintAccessKey,
  verifyAccessKey,
  streamGateAudience,
  AccessKeyError,
  MAX_ACCESS_KEY_TTL,
} from "./gate/accessKey.ts";
export {
  signInvite,
  readInvite,
  signInviteRevocation,
  InviteFormatError,
  type InviteClaims,
  type InviteDomain,
} from "./gate/invite.ts";
export {
  IndexCache,
  IndexUnavailableError,
  type CacheFreshness,
  type StreamInfo,
  type Logger,
} from "./index/indexCache.ts";
export { MediaServer, OFFLINE_TEXT, NOT_ALLOWED_TEXT } from "./media/mediaServer.ts";
export { signLivepeerWebhook, verifyLivepeerWebhook, WebhookSignatureError } from "./livepeer/webhookSignature.ts";
export {
  LivepeerStudio,
  LivepeerConfigError,
  livepeerStreamName,
  mesiStreamIdOfName,
  type LivepeerStudioOptions,
  type ProvisionedStream,
  type VideoService,
} from "./livepeer/studio.ts";
export { CallSignaling, type CallSignalingOptions, type IceServer } from "./call/callSignaling.ts";
export { decideCall, CALL_REFUSALS, type CallDecision, type CallRole } from "./call/decideCall.ts";
export { mintCallKey, verifyCallKey, callAudience, CallKeyError, MAX_CALL_KEY_TTL } from "./call/callKey.ts";
