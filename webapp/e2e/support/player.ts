// The stream page's player as the browser suites check it: frames its <video> has decoded.
import type { Page } from "playwright-core";

/** Frames the page's player has decoded (0 without a player). */
export const framesOf = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
    return video === null ? 0 : video.getVideoPlaybackQuality().totalVideoFrames;
  });

/** Waits until the page's player shows a decoded frame. */
export async function untilFrames(page: Page): Promise<void> {
  await page.locator('[data-testid="player-video"]').waitFor({ timeout: 20_000 });
  await page.waitForFunction(
    () => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');
      return video !== null && video.readyState >= 2 && video.getVideoPlaybackQuality().totalVideoFrames > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
}
