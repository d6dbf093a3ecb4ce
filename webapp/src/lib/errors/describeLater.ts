// The describer for code on a page's first load: it loads viem and the contracts' error ABI only once an error
// has happened, so a page that never fails never downloads them.
import type { DescribedError } from "./describeError";

/** {@link describeError}, loaded on first use. */
export async function describeErrorLater(error: unknown): Promise<DescribedError> {
  const { describeError } = await import("./describeError");
  return describeError(error);
}
