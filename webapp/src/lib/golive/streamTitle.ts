// A stream's title from its metadata URI, in the browser: data: documents are read in place; anything else
// (ipfs://, https://) falls back to "Stream #id" here — the server-rendered pages resolve those.
export function titleFromMetadata(uri: string, fallback: string): string {
  const match = /^data:application\/json(;base64)?,(.*)$/s.exec(uri);
  if (match === null) return fallback;
  try {
    const text =
      match[1] === undefined
        ? decodeURIComponent(match[2]!)
        : new TextDecoder().decode(Uint8Array.from(atob(match[2]!), (c) => c.charCodeAt(0)));
    const title = (JSON.parse(text) as { title?: unknown }).title;
    return typeof title === "string" && title.trim() !== "" ? title.trim().slice(0, 80) : fallback;
  } catch {
    return fallback;
  }
}
