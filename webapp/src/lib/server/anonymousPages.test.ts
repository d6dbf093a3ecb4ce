import { describe, expect, it } from "vitest";

import { anonymousPageCache, isCacheable } from "./anonymousPages";

const request = (path: string, extra: Partial<Parameters<typeof isCacheable>[0]> = {}) => ({
  method: "GET",
  url: new URL(`http://127.0.0.1${path}`),
  isDataRequest: false,
  signedIn: false,
  ...extra,
});
const html = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/html", ...headers } });

describe("which pages anonymous visitors share", () => {
  it("shares the home page, profiles and tipping links, with their queries", () => {
    for (const path of ["/", "/?q=alice", "/c/alice", "/c/0xabc", "/tip/alice?amount=5"]) {
      expect(isCacheable(request(path)), path).toBe(true);
    }
  });

  it("never shares a signed-in visitor's page, a data request, a POST or any other page", () => {
    expect(isCacheable(request("/c/alice", { signedIn: true }))).toBe(false);
    expect(isCacheable(request("/c/alice", { isDataRequest: true }))).toBe(false);
    expect(isCacheable(request("/c/alice", { method: "POST" }))).toBe(false);
    for (const path of ["/me", "/me/activity", "/c/alice/report", "/pay/q1", "/api/memos", "/studio"]) {
      expect(isCacheable(request(path)), path).toBe(false);
    }
  });
});

describe("anonymousPageCache", () => {
  it("renders once for a burst of visitors and again after the time to live", async () => {
    let clock = 0;
    let renders = 0;
    const cache = anonymousPageCache(1_000, 10, () => clock, 0);
    const url = new URL("http://127.0.0.1/c/alice");
    const render = async () => html(`render ${++renders}`);
    const burst = await Promise.all(Array.from({ length: 50 }, () => cache.serve(url, render)));
    expect(new Set(await Promise.all(burst.map((r) => r.text())))).toEqual(new Set(["render 1"]));
    clock = 999;
    expect(await (await cache.serve(url, render)).text()).toBe("render 1");
    clock = 1_000;
    expect(await (await cache.serve(url, render)).text()).toBe("render 2");
  });

  it("answers the page a visitor saw a moment ago while one render replaces it, without making anyone wait", async () => {
    let clock = 0;
    let renders = 0;
    const cache = anonymousPageCache(1_000, 10, () => clock, 2_000);
    const url = new URL("http://127.0.0.1/c/alice");
    const render = async () => html(`render ${++renders}`);
    expect(await (await cache.serve(url, render)).text()).toBe("render 1");
    clock = 1_500;
    const burst = await Promise.all(Array.from({ length: 20 }, () => cache.serve(url, render)));
    expect(new Set(await Promise.all(burst.map((r) => r.text())))).toEqual(new Set(["render 1"]));
    expect(renders).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the background render lands
    expect(await (await cache.serve(url, render)).text()).toBe("render 2");
  });

  it("keeps each address apart and passes the status and headers through", async () => {
    const cache = anonymousPageCache();
    const a = await cache.serve(new URL("http://x/c/a"), async () =>
      html("a", 200, { "content-security-policy": "x" }),
    );
    const b = await cache.serve(new URL("http://x/c/b"), async () => html("b"));
    expect([await a.text(), await b.text()]).toEqual(["a", "b"]);
    expect(a.headers.get("content-security-policy")).toBe("x");
  });

  it("never keeps an error page, a redirect, a non-HTML answer or one that sets a cookie", async () => {
    for (const make of [
      () => html("not found", 404),
      () => new Response(null, { status: 303, headers: { location: "/" } }),
      () => new Response("{}", { headers: { "content-type": "application/json" } }),
      () => html("hi", 200, { "set-cookie": "a=b" }),
    ]) {
      let renders = 0;
      const cache = anonymousPageCache();
      const url = new URL("http://x/c/a");
      const first = await cache.serve(url, async () => (renders++, make()));
      await cache.serve(url, async () => (renders++, make()));
      expect(renders).toBe(2);
      expect(first.status).toBe(make().status);
    }
  });
});
