import { describe, expect, it } from "vitest";

import { normalizeProfile, resolveUri } from "./profile";
import { loadProfile } from "./loadProfile";

describe("profiles", () => {
  it("reads a data: JSON profile and falls back to the address", async () => {
    const uri = `data:application/json;base64,${Buffer.from(JSON.stringify({ name: "Alice", handle: "@Alice_1" })).toString("base64")}`;
    const profile = await loadProfile("0x1111111111111111111111111111111111111111", uri, "https://gw");
    expect(profile).toMatchObject({ name: "Alice", handle: "alice_1", bio: "" });
    const none = await loadProfile("0x2222222222222222222222222222222222222222", null, "https://gw");
    expect(none.name).toBe("0x2222…2222");
  });

  it("serves ipfs pictures through the gateway and drops unsafe links", () => {
    expect(resolveUri("ipfs://bafyabc", "https://gw")).toBe("https://gw/ipfs/bafyabc");
    expect(resolveUri("javascript:alert(1)", "https://gw")).toBeNull();
    const profile = normalizeProfile(
      {
        name: "x",
        links: [
          { label: "site", url: "javascript:alert(1)" },
          { label: "yt", url: "https://y.t" },
        ],
      },
      "f",
      "https://gw",
    );
    expect(profile.links).toEqual([{ label: "yt", url: "https://y.t" }]);
  });
});
