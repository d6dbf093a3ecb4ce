// The messenger the pages use, chosen by configuration: the local hub (the development transport, the default)
// or XMTP (production; its SDK and wasm are imported here only, so they load on messenger pages alone).
import { HubMessenger, MessengerError, type Messenger } from "@mesi/messaging";
import type { Address, Hex } from "viem";

import type { PublicConfig } from "$lib/config/types";

/** A ≤ 60 s token for the hub, minted by the webapp's server from the SIWE session cookie. */
export async function fetchHubToken(): Promise<string> {
  const response = await fetch("/api/session/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ audience: "message-hub" }),
  });
  if (response.status === 401) throw new MessengerError("unauthenticated", "the sign-in session ended");
  if (!response.ok) throw new MessengerError("unavailable", `the session token request answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export interface ConnectParameters {
  readonly config: PublicConfig;
  /** The signed-in wallet (the SIWE session's address). */
  readonly address: Address;
  /** XMTP only: the wallet's personal_sign, to create or open the inbox. */
  readonly signMessage?: (message: string) => Promise<Hex>;
}

export async function connectMessenger({ config, address, signMessage }: ConnectParameters): Promise<Messenger> {
  const settings = config.messenger;
  if (settings.transport === "hub") {
    if (settings.hubUrl === null) throw new MessengerError("unavailable", "PUBLIC_MESSAGE_HUB_URL is not set");
    return new HubMessenger({ url: settings.hubUrl, address, getToken: fetchHubToken });
  }
  if (signMessage === undefined) throw new MessengerError("unauthenticated", "XMTP needs the wallet to sign");
  const uploadUrl = settings.attachmentUploadUrl;
  const { XmtpMessenger } = await import("@mesi/messaging/xmtp");
  return XmtpMessenger.create({
    address,
    signMessage,
    env: settings.xmtpEnv,
    uploadAttachment: async (payload) => {
      if (uploadUrl === null) throw new MessengerError("unavailable", "PUBLIC_ATTACHMENT_UPLOAD_URL is not set");
      const response = await fetch(uploadUrl, { method: "POST", body: payload as BodyInit });
      if (!response.ok) throw new MessengerError("unavailable", `the attachment store answered ${response.status}`);
      return ((await response.json()) as { url: string }).url;
    },
  });
}
