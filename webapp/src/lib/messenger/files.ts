// Files picked or recorded in the browser, before they are sent: the limits the hub also enforces (it checks
// the bytes themselves; this only saves a doomed upload), and a recorded voice note's type without codec options.

/** Pictures, voice notes and videos at most this big show inline; bigger ones load when asked. */
export const INLINE_LIMIT_BYTES = 1_000_000;
/** The hub's default attachment limit (20 MiB). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export type FileProblem = { problem: "empty" } | { problem: "tooLarge"; limit: number };

export function checkFileSize(size: number, limit = MAX_ATTACHMENT_BYTES): FileProblem | null {
  if (size === 0) return { problem: "empty" };
  if (size > limit) return { problem: "tooLarge", limit };
  return null;
}

/** `audio/webm;codecs=opus` → `audio/webm` (the hub compares the bare type with what the bytes are). */
export function bareMimeType(type: string): string {
  return type.split(";")[0]!.trim().toLowerCase() || "application/octet-stream";
}
