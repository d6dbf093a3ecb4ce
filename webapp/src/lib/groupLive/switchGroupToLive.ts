// Group → live: a group admin who is a registered creator creates a private stream on-chain (no on-chain way in:
// the group's membership is its rule), links it to the group in the hub (the stream gate reads the link and the
// members from there, and honours it only for the stream's creator), and posts the live-now card into the group.
import type { Messenger } from "@mesi/messaging";
import { MessengerError } from "@mesi/messaging";
import { zeroAddress, type Hex } from "viem";

import type { PublicConfig } from "$lib/config/types";
import { fetchHubToken } from "$lib/messenger/connect";

import { liveCardText } from "./liveCard";

export interface SwitchGroupToLiveParameters {
  readonly config: PublicConfig;
  readonly messenger: Messenger;
  readonly conversationId: string;
  readonly title: string;
  /** The app's origin, for the link in the card. */
  readonly origin: string;
  readonly onSubmitted?: (hash: Hex) => void;
}

/** Returns the new stream's id, or null when the wallet still has to connect (its dialog was opened). */
export async function switchGroupToLive(parameters: SwitchGroupToLiveParameters): Promise<bigint | null> {
  const { config, messenger, conversationId, title, origin } = parameters;
  const hubUrl = config.messenger.hubUrl;
  if (config.messenger.transport !== "hub" || hubUrl === null) {
    throw new MessengerError("unavailable", "group → live needs the message hub (XMTP groups cannot be linked yet)");
  }
  const [{ studioContext }, { createStream }, { streamMetadataUri }] = await Promise.all([
    import("$lib/golive/studioContext"),
    import("$lib/golive/studioActions"),
    import("$lib/golive/streamRules"),
  ]);
  const context = await studioContext(config, parameters.onSubmitted);
  if (context === null) return null;
  const rules = {
    isPrivate: true,
    followers: false,
    minTierRank: 0,
    minTipped: 0n,
    inviteSigner: zeroAddress,
    kyfLevel: 0,
  };
  const streamId = await createStream(context, rules, streamMetadataUri(title));
  const response = await fetch(`${hubUrl}/v1/conversations/${conversationId}/live`, {
    method: "POST",
    headers: { authorization: `Bearer ${await fetchHubToken()}`, "content-type": "application/json" },
    body: JSON.stringify({ streamId: streamId.toString() }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new MessengerError(
      body.error === "not_admin" ? "not_admin" : "unavailable",
      body.message ?? `the hub answered ${response.status}`,
    );
  }
  await messenger.send(conversationId, { type: "text", text: liveCardText(title, streamId, origin) });
  return streamId;
}
