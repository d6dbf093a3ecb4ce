// Signed gasless ticket orders, as a fan's wallet makes them, for the tests of
// POST /relay/ticket (a BuyAuthorization in $MESI) and POST
// /relay/stablecoin-ticket (a StablecoinBuyAuthorization in USDC): the order
// signed over the MesiTickets domain and, by default, an EIP-2612 permit of
// the paying token for the vault. Both kinds share the fan's ticket nonce and
// the outbox kind `ticketBySig`, so they share the checks of what is stored.
import { parseSignature, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";

import { abis, buyAuthorizationTypes, permitTypes, stablecoinBuyAuthorizationTypes } from "@mesi/deployments";

import type { Relayer } from "../../src/relayer.ts";
import type { AnvilNode } from "./anvil.ts";
import type { MesiFixture } from "./mesi.ts";
import { getJson, waitFor } from "./relayer.ts";

export interface TicketOrderOptions {
  readonly stream?: bigint;
  readonly quantity?: number;
  readonly nonce?: bigint;
  readonly deadline?: bigint;
  /** Signs the order instead of the fan (a wrong signer, or an ERC-1271 wallet's owner). */
  readonly signer?: PrivateKeyAccount;
  /** The permit's value; 0n = no permit. Default: the tickets' price ($MESI) or the signed maximum (USDC). */
  readonly permitValue?: bigint;
  readonly permitSigner?: PrivateKeyAccount;
}

/** A request body's JSON form: bigints as decimal strings, as a wallet sends them. */
export function toJson(value: unknown) {
  return JSON.parse(JSON.stringify(value, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));
}

export const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));

/** Waits until the relay request is confirmed on-chain; throws if it failed for good. */
export async function waitConfirmed(relayerUrl: string, requestId: number) {
  return await waitFor("relay request confirmed", async () => {
    const status = await getJson(`${relayerUrl}/relay/requests/${requestId}`);
    if (status.body.status === "failed") throw new Error(`relay failed: ${status.body.error}`);
    return status.body.status === "confirmed" ? status.body : undefined;
  });
}

/** What gasless ticket requests leave in the store: outbox rows, held seats and sponsorship reserved. */
export async function storedTicketRequests(relayer: Relayer) {
  const db = relayer.store.db;
  const [outbox, seats, usage] = await Promise.all([
    db.selectFrom("outbox").select("id").where("kind", "=", "ticketBySig").execute(),
    db.selectFrom("ticket_reservations").select("quote_id").where("quote_id", "like", "relay:%").execute(),
    db.selectFrom("sponsorship_usage").selectAll().execute(),
  ]);
  return { outbox: outbox.length, seats: seats.length, usage: JSON.stringify(usage) };
}

/**
 * What one confirmed request left behind: the seats it held (by its request id) and the fan's sponsorship usage, for
 * the checks that the seats were consumed and the gas charged to the fan's month.
 */
export async function settledTicketRequest(relayer: Relayer, requestId: number, fan: Address) {
  const db = relayer.store.db;
  const [seat, usage] = await Promise.all([
    db
      .selectFrom("ticket_reservations")
      .selectAll()
      .where("quote_id", "=", `relay:${requestId}`)
      .executeTakeFirstOrThrow(),
    db.selectFrom("sponsorship_usage").selectAll().where("fan", "=", fan.toLowerCase()).executeTakeFirstOrThrow(),
  ]);
  return { seat, usage };
}

/** Signs ticket orders on `node`'s Mesi deployment; `defaults` is the sale orders go to unless told otherwise. */
export function ticketOrders(node: AnvilNode, mesi: MesiFixture, defaults: { streamId: bigint; price: bigint }) {
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
    mesi.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;
  const ticketNonce = (fan: Address) => read<bigint>(mesi.addresses.tickets, abis.MesiTickets, "nonces", [fan]);
  const quoteStableIn = (mesiAmount: bigint) =>
    read<bigint>(mesi.addresses.converter, abis.StableConverter, "quoteStableIn", [mesi.addresses.usdc, mesiAmount]);

  /** An EIP-2612 permit of `token` (whose domain name is `name`) letting the vault pull `value` from `owner`. */
  async function signPermit(token: Address, name: string, owner: Address, signer: PrivateKeyAccount, value: bigint) {
    const deadline = nowSeconds() + 3600n;
    const signature = await signer.signTypedData({
      domain: { name, version: "1", chainId: node.chainId, verifyingContract: token },
      types: permitTypes,
      primaryType: "Permit",
      message: {
        owner,
        spender: mesi.addresses.vault,
        value,
        nonce: await read<bigint>(token, abis.MesiToken, "nonces", [owner]),
        deadline,
      },
    });
    const { r, s, v } = parseSignature(signature);
    return toJson({ value, deadline, v: Number(v), r, s });
  }

  /** The request body: the order (its price bound `price`) signed as `primaryType`, and a permit of `token`. */
  async function sign(
    fan: PrivateKeyAccount | Address,
    order: {
      readonly types: typeof buyAuthorizationTypes | typeof stablecoinBuyAuthorizationTypes;
      readonly primaryType: "BuyAuthorization" | "StablecoinBuyAuthorization";
      readonly price: { maxTotalPrice: bigint } | { stablecoin: Address; maxStableIn: bigint };
      readonly quantity: number;
      /** The token the vault pulls, and the permit's value unless the options say otherwise. */
      readonly token: { address: Address; name: string };
      readonly permitValue: bigint;
    },
    options: TicketOrderOptions,
  ): Promise<{ auth: Record<string, unknown>; signature: Hex; permit?: Record<string, unknown> }> {
    const fanAddress = typeof fan === "string" ? fan : fan.address;
    const auth = {
      fan: fanAddress,
      streamId: options.stream ?? defaults.streamId,
      quantity: order.quantity,
      ...order.price,
      nonce: options.nonce ?? (await ticketNonce(fanAddress)),
      deadline: options.deadline ?? nowSeconds() + 3600n,
    };
    const signature = await (options.signer ?? (fan as PrivateKeyAccount)).signTypedData({
      domain: { name: "MesiTickets", version: "1", chainId: node.chainId, verifyingContract: mesi.addresses.tickets },
      types: order.types,
      primaryType: order.primaryType,
      message: auth,
    } as never);
    const permitValue = options.permitValue ?? order.permitValue;
    if (permitValue === 0n) return { auth: toJson(auth), signature };
    const permitSigner = options.permitSigner ?? (fan as PrivateKeyAccount);
    const { address, name } = order.token;
    return {
      auth: toJson(auth),
      signature,
      permit: await signPermit(address, name, fanAddress, permitSigner, permitValue),
    };
  }

  return {
    ticketNonce,
    quoteStableIn,
    /** The JSON body of POST /relay/ticket: a BuyAuthorization and (by default) a $MESI permit for the vault. */
    signTicket(fan: PrivateKeyAccount | Address, options: TicketOrderOptions & { maxTotalPrice?: bigint } = {}) {
      const quantity = options.quantity ?? 1;
      const maxTotalPrice = options.maxTotalPrice ?? defaults.price * BigInt(quantity);
      return sign(
        fan,
        {
          types: buyAuthorizationTypes,
          primaryType: "BuyAuthorization",
          price: { maxTotalPrice },
          quantity,
          token: { address: mesi.addresses.mesi, name: "Mesi" },
          permitValue: defaults.price * BigInt(quantity),
        },
        options,
      );
    },
    /** The JSON body of POST /relay/stablecoin-ticket: a StablecoinBuyAuthorization in USDC and a USDC permit. */
    async signStablecoinTicket(fan: PrivateKeyAccount, options: TicketOrderOptions & { maxStableIn?: bigint } = {}) {
      const quantity = options.quantity ?? 1;
      const maxStableIn = options.maxStableIn ?? (await quoteStableIn(defaults.price * BigInt(quantity)));
      return sign(
        fan,
        {
          types: stablecoinBuyAuthorizationTypes,
          primaryType: "StablecoinBuyAuthorization",
          price: { stablecoin: mesi.addresses.usdc, maxStableIn },
          quantity,
          token: { address: mesi.addresses.usdc, name: await read<string>(mesi.addresses.usdc, abis.TestUSDC, "name") },
          permitValue: maxStableIn,
        },
        options,
      );
    },
  };
}

export type TicketOrders = ReturnType<typeof ticketOrders>;
