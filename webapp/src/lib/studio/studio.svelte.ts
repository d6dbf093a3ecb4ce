// The studio's shared state: who is connected and whether they are a registered creator, with their profile.
// Every studio page (including Sessions, Live, Sales and Fans) reads `studio` instead of asking again.
import type { Address } from "viem";

import type { Profile } from "$lib/profiles";

export interface StudioCreator {
  readonly address: Address;
  readonly registered: boolean;
  readonly profileURI: string | null;
  readonly profile: Profile | null;
  readonly pictureUri: string | null;
  readonly followerCount: number;
}

export class StudioState {
  creator = $state<StudioCreator | null>(null);
  loading = $state(false);
  problem = $state<string | null>(null);
  private loadedFor: string | undefined;

  /** Loads (or reloads) what the studio knows about `address`. */
  async load(address: Address | undefined, force = false): Promise<StudioCreator | null> {
    if (address === undefined) {
      this.creator = null;
      this.loadedFor = undefined;
      return null;
    }
    if (!force && this.loadedFor === address && this.creator !== null) return this.creator;
    this.loadedFor = address;
    this.loading = this.creator?.address !== address;
    this.problem = null;
    try {
      const response = await fetch(`/api/studio/creator/${address}`);
      const body = (await response.json()) as StudioCreator & { message?: string };
      if (!response.ok) throw new Error(body.message ?? `the studio answered ${response.status}`);
      if (this.loadedFor === address) this.creator = body;
      return body;
    } catch (error) {
      if (this.loadedFor === address) this.problem = error instanceof Error ? error.message : String(error);
      return null;
    } finally {
      if (this.loadedFor === address) this.loading = false;
    }
  }

  /** Reloads until `done` holds for what the index reports (it trails the chain by a block or two). */
  async waitFor(address: Address, done: (creator: StudioCreator) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const creator = await this.load(address, true);
      if (creator !== null && done(creator)) return;
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export const studio = new StudioState();
