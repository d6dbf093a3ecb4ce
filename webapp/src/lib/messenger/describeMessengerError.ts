// A messenger failure as a sentence (the transport's error code picks it), with the report hint kept for a block.
import { MessengerError, type ReportHint } from "@mesi/messaging";

import { describeError } from "$lib/errors";
import { m } from "$lib/i18n";

export interface MessengerProblem {
  readonly message: string;
  readonly code?: string;
  /** Set when a block refused the message: the conversation to prefill the report form with. */
  readonly report?: ReportHint;
}

export function describeMessengerError(error: unknown): MessengerProblem {
  if (error instanceof MessengerError) {
    return {
      message: m.messenger.errors[error.code],
      code: error.code,
      ...(error.report === undefined ? {} : { report: error.report }),
    };
  }
  return { message: describeError(error).message };
}
