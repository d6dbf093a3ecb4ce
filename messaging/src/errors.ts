// Errors a Messenger raises. `code` is stable (the UI maps it to a sentence); `retryable` says whether trying
// again later can succeed. Browser-safe.

export type MessengerErrorCode =
  | "unauthenticated"
  | "invalid_input"
  | "not_found"
  | "not_member"
  | "not_admin"
  | "blocked"
  | "group_full"
  | "call_full"
  | "attachment_too_large"
  | "attachment_type"
  | "unavailable"
  | "internal";

/** How a blocked sender can report: the conversation to prefill the report form with. */
export interface ReportHint {
  readonly conversationId: string;
  /** Who blocked the sender. */
  readonly blockedBy: string;
}

export class MessengerError extends Error {
  override readonly name = "MessengerError";
  readonly code: MessengerErrorCode;
  readonly retryable: boolean;
  readonly report?: ReportHint;

  constructor(code: MessengerErrorCode, message: string, options: { retryable?: boolean; report?: ReportHint } = {}) {
    super(message);
    this.code = code;
    this.retryable = options.retryable ?? code === "unavailable";
    if (options.report !== undefined) this.report = options.report;
  }
}

/** HTTP status the hub answers with for each code. */
export const HTTP_STATUS: Readonly<Record<MessengerErrorCode, number>> = {
  unauthenticated: 401,
  invalid_input: 400,
  not_found: 404,
  not_member: 403,
  not_admin: 403,
  blocked: 403,
  group_full: 409,
  call_full: 409,
  attachment_too_large: 413,
  attachment_type: 415,
  unavailable: 503,
  internal: 500,
};
