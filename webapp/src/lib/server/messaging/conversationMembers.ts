// Who is in a conversation, as the message hub tells the signed-in wallet: the report endpoint files a
// conversation report only for a reporter who is in it (the hub answers a non-member with `not_member`).
import { HubMessenger, MessengerError } from "@mesi/messaging";
import type { Address } from "viem";

export interface ConversationMembersParameters {
  readonly hubUrl: string;
  /** The wallet asking: the hub answers as that wallet. */
  readonly address: Address;
  /** A message-hub token for `address` (minted from its SIWE session). */
  readonly token: string;
  readonly conversationId: string;
}

/**
 * The conversation's members' addresses, or `null` when the asker is not a member (or there is no such
 * conversation). Throws `MessengerError("unavailable")` when the hub cannot answer.
 */
export async function conversationMembers({
  hubUrl,
  address,
  token,
  conversationId,
}: ConversationMembersParameters): Promise<Address[] | null> {
  const hub = new HubMessenger({ url: hubUrl, address, getToken: async () => token });
  try {
    const conversation = await hub.getConversation(conversationId);
    return conversation.members.map((member) => member.address);
  } catch (error) {
    if (error instanceof MessengerError && (error.code === "not_member" || error.code === "not_found")) return null;
    throw error;
  } finally {
    await hub.close();
  }
}
