export {
  SessionTokenError,
  signSessionToken,
  verifySessionToken,
  type SessionClaims,
  type SessionTokenFailure,
  type SignSessionTokenParameters,
  type VerifySessionTokenParameters,
} from "./sessionToken.ts";
export { isServiceToken, serviceToken } from "./serviceToken.ts";
