// Sign-In with Ethereum from the browser: the server's nonce, an EIP-4361 message for this site and chain, the
// wallet's signature, then the server's check sets the session cookie. Loaded only where sign-in is needed.
import { getAccount, signMessage, type Config } from "@wagmi/core";
import type { Address } from "viem";
import { createSiweMessage } from "viem/siwe";

import { RelayerRequestError, WalletDisconnectedError } from "$lib/errors";

export interface SignedIn {
  readonly address: Address;
  readonly expiresAt: number;
}

async function expectOk(response: Response): Promise<unknown> {
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) {
    throw new RelayerRequestError(
      response.status,
      "sign_in_failed",
      body.message ?? `sign-in answered ${response.status}`,
    );
  }
  return body;
}

export async function signIn(wagmi: Config, chainId: number, statement = "Sign in to Mesi."): Promise<SignedIn> {
  const account = getAccount(wagmi);
  if (account.address === undefined || account.status !== "connected") {
    throw new WalletDisconnectedError("no wallet is connected");
  }
  const { nonce } = (await expectOk(await fetch("/api/siwe/nonce", { credentials: "same-origin" }))) as {
    nonce: string;
  };
  const message = createSiweMessage({
    address: account.address,
    chainId,
    domain: location.host,
    nonce,
    uri: location.origin,
    version: "1",
    statement,
    issuedAt: new Date(),
  });
  const signature = await signMessage(wagmi, { account: account.address, message });
  return (await expectOk(
    await fetch("/api/siwe/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ message, signature }),
    }),
  )) as SignedIn;
}
