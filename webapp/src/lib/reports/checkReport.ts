// What a report may contain, checked in the browser (a sentence next to the field) and again on the server
// (the bytes themselves, not the name or the claimed type).

export const MAX_REPORT_TEXT = 4_000;
export const MIN_REPORT_TEXT = 10;
export const MAX_SCREENSHOTS = 4;
export const MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;
export const SCREENSHOT_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ScreenshotType = (typeof SCREENSHOT_TYPES)[number];

export type ReportProblem =
  | { readonly field: "text"; readonly problem: "tooShort" | "tooLong" }
  | { readonly field: "files"; readonly problem: "tooMany" }
  | { readonly field: "files"; readonly problem: "badType" | "tooBig"; readonly name: string };

export function checkReport(text: string, files: readonly { name: string; type: string; size: number }[]) {
  const problems: ReportProblem[] = [];
  const length = text.trim().length;
  if (length < MIN_REPORT_TEXT) problems.push({ field: "text", problem: "tooShort" });
  else if (length > MAX_REPORT_TEXT) problems.push({ field: "text", problem: "tooLong" });
  if (files.length > MAX_SCREENSHOTS) problems.push({ field: "files", problem: "tooMany" });
  for (const file of files) {
    if (!(SCREENSHOT_TYPES as readonly string[]).includes(file.type)) {
      problems.push({ field: "files", problem: "badType", name: file.name });
    } else if (file.size > MAX_SCREENSHOT_BYTES || file.size === 0) {
      problems.push({ field: "files", problem: "tooBig", name: file.name });
    }
  }
  return problems;
}

/** The image type the bytes really are (PNG, JPEG, WebP signatures), or null. */
export function sniffImageType(bytes: Uint8Array): ScreenshotType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  ) {
    return "image/webp";
  }
  return null;
}
