export { startKyf, KYF_AUDIENCE, type RunningKyf, type StartKyfParameters } from "./startKyf.ts";
export { parseKyfConfig, type KyfConfig, type KyfConfigInput } from "./config.ts";
export { viemKyfChain, VERIFIER_ROLE, type KyfChain, type ConsentFacts } from "./chain.ts";
export { decideDisclosure, type DisclosureDecision } from "./disclosurePolicy.ts";
export { KyfError, type KyfErrorCode } from "./errors.ts";
export { registrationSchema, MINIMUM_AGE, type RegistrationData } from "./registration.ts";
export { SealedBox, SealedBoxError } from "./sealedBox.ts";
export {
  parsePersonaWebhook,
  signPersonaPayload,
  verifyPersonaSignature,
  WebhookPayloadError,
  WebhookSignatureError,
} from "./providers/persona.ts";
