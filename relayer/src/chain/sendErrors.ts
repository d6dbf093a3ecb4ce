// How a node's answer to eth_sendRawTransaction is read. After OpenZeppelin
// Relayer: "nonce too low", "already known" and "replacement transaction
// underpriced" mean a transaction at this nonce is already with the node or
// mined, so the send counts as done and confirmation tracking takes over.

const ALREADY_SENT_PATTERNS = [
  /nonce too low/i,
  /already known/i,
  /known transaction/i,
  /replacement transaction underpriced/i,
  /transaction already imported/i,
  /nonce has already been used/i,
];

const UNREACHABLE_PATTERNS = [
  /ECONNREFUSED/i,
  /fetch failed/i,
  /socket hang up/i,
  /ECONNRESET/i,
  /timed? ?out/i,
  /HTTP request failed/i,
];

function messageChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      const details = (current as { details?: unknown }).details;
      if (typeof details === "string") parts.push(details);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(" | ");
}

export function isAlreadySentError(error: unknown): boolean {
  const text = messageChain(error);
  return ALREADY_SENT_PATTERNS.some((pattern) => pattern.test(text));
}

export function isNodeUnreachableError(error: unknown): boolean {
  const text = messageChain(error);
  return UNREACHABLE_PATTERNS.some((pattern) => pattern.test(text));
}

export function describeError(error: unknown): string {
  return messageChain(error).slice(0, 500);
}
