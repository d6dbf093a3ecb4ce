// The "live now" message a group gets when an admin switches it to a live stream. It travels as plain text (any
// XMTP client shows a readable line and a link; no new content type to agree on) and this app draws it as a card
// when the text has exactly this shape and the link is to this app's own stream page. The card only opens the
// page: whether the viewer may watch is the stream gate's decision, so a forged card admits no one.

const PREFIX = "🔴 Live now: ";

export interface LiveCard {
  readonly title: string;
  readonly streamId: string;
  /** The stream page, as a same-origin path. */
  readonly href: string;
}

/** The message text for a group's stream `streamId` titled `title`, on the app at `origin`. */
export function liveCardText(title: string, streamId: bigint, origin: string): string {
  return `${PREFIX}${title.replace(/\s+/g, " ").trim()}\n${origin}/live/${streamId}`;
}

/** The card in `text`, when it is a live-now message linking to this app (`origin`); otherwise null. */
export function parseLiveCard(text: string, origin: string): LiveCard | null {
  if (!text.startsWith(PREFIX)) return null;
  const lines = text.slice(PREFIX.length).split("\n");
  if (lines.length !== 2) return null;
  const [title, link] = lines as [string, string];
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  const match = /^\/live\/([1-9]\d{0,76})$/.exec(url.pathname);
  if (url.origin !== origin || match === null || url.search !== "" || url.hash !== "" || title.trim() === "") {
    return null;
  }
  return { title: title.trim(), streamId: match[1]!, href: `/live/${match[1]}` };
}
