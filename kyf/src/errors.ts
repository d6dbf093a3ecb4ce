// Errors the service answers with: a code (stable, for clients), an HTTP status, and a sentence.
export type KyfErrorCode =
  "invalid_input" | "unauthenticated" | "forbidden" | "not_found" | "provider_only" | "chain_unavailable";

export const HTTP_STATUS: Readonly<Record<KyfErrorCode, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  provider_only: 409,
  chain_unavailable: 502,
};

export class KyfError extends Error {
  override readonly name = "KyfError";
  constructor(
    readonly code: KyfErrorCode,
    message: string,
  ) {
    super(message);
  }
}
