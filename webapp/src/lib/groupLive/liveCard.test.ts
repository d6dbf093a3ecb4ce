import { describe, expect, it } from "vitest";

import { liveCardText, parseLiveCard } from "./liveCard";

const origin = "http://127.0.0.1:5173";

describe("live-now card", () => {
  it("round-trips a group's stream link", () => {
    const text = liveCardText("Backstage  crew\n", 42n, origin);
    expect(text).toBe("🔴 Live now: Backstage crew\nhttp://127.0.0.1:5173/live/42");
    expect(parseLiveCard(text, origin)).toEqual({ title: "Backstage crew", streamId: "42", href: "/live/42" });
  });

  it("stays plain text for other origins, other paths and other shapes", () => {
    expect(parseLiveCard(liveCardText("x", 42n, "https://evil.example"), origin)).toBeNull();
    expect(parseLiveCard("🔴 Live now: x\nhttp://127.0.0.1:5173/live/42?invite=1", origin)).toBeNull();
    expect(parseLiveCard("🔴 Live now: x\nhttp://127.0.0.1:5173/studio/live", origin)).toBeNull();
    expect(parseLiveCard("🔴 Live now: x\nhttp://127.0.0.1:5173/live/0", origin)).toBeNull();
    expect(parseLiveCard("🔴 Live now: \nhttp://127.0.0.1:5173/live/4", origin)).toBeNull();
    expect(parseLiveCard("🔴 Live now: x\nnot a url", origin)).toBeNull();
    expect(parseLiveCard("hello\nhttp://127.0.0.1:5173/live/4", origin)).toBeNull();
    expect(parseLiveCard("🔴 Live now: x\nhttp://127.0.0.1:5173/live/4\nmore", origin)).toBeNull();
  });
});
