// What a file is, judged by its bytes (never by its name or the sender's claim). Only these types are accepted.

export const ACCEPTED_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "video/mp4",
  "video/webm",
  "audio/ogg",
  "audio/mpeg",
  "audio/webm",
  "application/pdf",
  "text/plain",
] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + prefix.length && prefix.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** The sniffed type, or undefined when the bytes are none of the accepted types. */
export function sniffType(bytes: Uint8Array): AcceptedType | "webm" | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("ftyp"), 4)) return "video/mp4";
  // Matroska/WebM carries audio or video: the claim decides which, the bytes only that it is WebM.
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "webm";
  if (startsWith(bytes, ascii("OggS"))) return "audio/ogg";
  if (startsWith(bytes, ascii("ID3")) || (bytes.length > 1 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0)) {
    return "audio/mpeg";
  }
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  if (isPlainText(bytes)) return "text/plain";
  return undefined;
}

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Whether the bytes are what `claimed` says (parameters like `; charset=utf-8` ignored). */
export function matchesClaim(bytes: Uint8Array, claimed: string): boolean {
  const type = claimed.split(";")[0]!.trim().toLowerCase();
  const sniffed = sniffType(bytes);
  if (sniffed === "webm") return type === "video/webm" || type === "audio/webm";
  return sniffed !== undefined && sniffed === type;
}
