import { describe, expect, it } from "vitest";

import { parseViewerCount } from "./viewerCount";

describe("parseViewerCount", () => {
  it("reads the media server's count and the broadcast's start", () => {
    expect(parseViewerCount('{"viewers":3,"since":1796690161252}')).toEqual({ viewers: 3, since: 1796690161252 });
  });
  it("says nobody is broadcasting when there is no start, or the data is not the media server's", () => {
    expect(parseViewerCount('{"viewers":0,"since":null}')).toEqual({ viewers: null, since: null });
    expect(parseViewerCount("not json")).toEqual({ viewers: null, since: null });
    expect(parseViewerCount('{"viewers":"3","since":"x"}')).toEqual({ viewers: null, since: null });
  });
});
