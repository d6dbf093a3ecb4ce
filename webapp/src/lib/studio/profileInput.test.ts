import { describe, expect, it } from "vitest";

import { checkProfileInput, encodeProfileDocument } from "./profileInput";

const base = { name: " Ada ", handle: "@Ada_L", bio: "Hi", picture: null, links: [] };

describe("profile input", () => {
  it("builds the document with a normalised handle and a fixed key order", () => {
    const result = checkProfileInput({ ...base, links: [{ label: "", url: "https://ada.dev/x" }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(new TextDecoder().decode(encodeProfileDocument(result.document))).toBe(
      '{"version":1,"name":"Ada","handle":"ada_l","bio":"Hi","picture":null,"links":[{"label":"ada.dev","url":"https://ada.dev/x"}]}',
    );
  });

  it("lists every problem: missing name, bad handle, script links, a picture that is no CID", () => {
    const result = checkProfileInput({
      name: "  ",
      handle: "a b",
      bio: "x".repeat(601),
      picture: "https://evil.example/x.png",
      links: [{ label: "x", url: "javascript:alert(1)" }],
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        { field: "name", problem: "required" },
        { field: "handle", problem: "invalid" },
        { field: "bio", problem: "tooLong" },
        { field: "picture", problem: "invalid" },
        { field: "links", problem: "invalid", index: 0 },
      ],
    });
  });
});
