// A moderator's note on a decision: kept by the webapp's server, committed to on chain by its hash
// (noteHash.ts: keccak256 of the trimmed, NFC-normalised UTF-8 text), so anyone holding the text can check it.
// No viem here: the queue page checks notes on its first load.

export const NOTE_MIN_LENGTH = 5;
export const NOTE_MAX_LENGTH = 2_000;

export function normaliseNote(text: string): string {
  return text.trim().normalize("NFC");
}

export type NoteProblem = "tooShort" | "tooLong";

export function checkNote(text: string): NoteProblem | null {
  const length = [...normaliseNote(text)].length;
  if (length < NOTE_MIN_LENGTH) return "tooShort";
  if (length > NOTE_MAX_LENGTH) return "tooLong";
  return null;
}
