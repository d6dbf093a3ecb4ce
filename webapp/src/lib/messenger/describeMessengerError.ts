// A messenger failure as a sentence (the transport's error code picks it), with the report hint kept for a block.
// Anything else goes to the app's describer, loaded only once such an error happens (it brings viem and the
// contracts' error ABI, which the messenger's first load does without).
import { MessengerError, type ReportHint } from "@mesi/messaging";

import { describeErrorLater } from "$lib/errors/describeLater";
import { m } from "$lib/i18n";

export interface MessengerProblem {
  readonly message: string;
  readonly code?: string;
  /** Set when a block refused the message: the conversation to prefill the report form with. */
  readonly report?: ReportHint;
}

export async function describeMessengerError(error: unknown): Promise<MessengerProblem> {
  if (error instanceof MessengerError) {
    return {
      message: m.messenger.errors[error.code],
      code: error.code,
      ...(error.report === undefined ? {} : { report: error.report }),
    };
  }
  return { message: (await describeErrorLater(error)).message };
}
