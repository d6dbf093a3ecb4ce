import type { Address } from "viem";

declare global {
  namespace App {
    interface Locals {
      /** The wallet signed in with SIWE, from the session cookie. */
      session: { address: Address; chainId: number; expiresAt: number } | null;
    }
    interface Error {
      message: string;
    }
  }
}

export {};
