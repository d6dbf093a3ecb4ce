// Profile pictures: checked by their bytes (PNG, JPEG or WebP signature, never the file name or the browser's
// claimed type), bounded in size, decoded for real, and re-encoded as a square WebP avatar. The output carries no
// metadata from the upload (EXIF location, camera), since sharp drops it unless asked to keep it.
import sharp from "sharp";

import { sniffImageType } from "$lib/reports/checkReport";

export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
export const AVATAR_SIZE = 512;
/** Larger images are refused before decoding (a small file can declare a huge canvas). */
const MAX_INPUT_PIXELS = 40_000_000;

export type PictureProblem = "empty" | "tooBig" | "notImage" | "unreadable";

export class PictureError extends Error {
  override readonly name = "PictureError";
  readonly problem: PictureProblem;

  constructor(problem: PictureProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** Checks an uploaded picture and returns it as a square WebP avatar; throws {@link PictureError} otherwise. */
export async function toAvatar(bytes: Uint8Array): Promise<{ bytes: Uint8Array; contentType: "image/webp" }> {
  if (bytes.byteLength === 0) throw new PictureError("empty", "the picture is empty");
  if (bytes.byteLength > MAX_PICTURE_BYTES) {
    throw new PictureError("tooBig", `the picture is larger than ${MAX_PICTURE_BYTES / 1024 / 1024} MB`);
  }
  if (sniffImageType(bytes) === null) throw new PictureError("notImage", "the file is not a PNG, JPEG or WebP image");
  try {
    const out = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
      .rotate()
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: "cover", position: "attention" })
      .webp({ quality: 82 })
      .toBuffer();
    return { bytes: new Uint8Array(out), contentType: "image/webp" };
  } catch {
    throw new PictureError("unreadable", "the image could not be read; it may be damaged");
  }
}
