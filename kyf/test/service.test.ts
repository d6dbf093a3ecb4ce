// The verifier service over real HTTP, a real SQLite file and a real anvil chain with Mesi deployed: a fan registers
// with a session token, is attested on-chain; a creator reads the data only while the fan's on-chain consent stands;
// every read is logged; bad input and bad tokens change nothing. Then the Persona adapter mode on the same chain.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { signSessionToken } from "@mesi/auth";
import { abis } from "@mesi/deployments";
import { pino } from "pino";
import {
  createPublicClient,
  createWalletClient,
  http,
  toHex,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deployMesi, type MesiDeployment } from "../../scripts/lib/deploy.ts";
import { DEFAULT_MNEMONIC } from "../../scripts/lib/local-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { signPersonaPayload } from "../src/providers/persona.ts";
import { KYF_AUDIENCE, startKyf, type RunningKyf } from "../src/startKyf.ts";

const SECRET = "kyf-test-session-secret-0123456789abcdef";
const account = (i: number) => mnemonicToAccount(DEFAULT_MNEMONIC, { addressIndex: i });
const admin = account(0);
const relayer = account(1);
const moderator = account(2);
const verifier = account(3);
const creator = account(4);
const fan = account(5);
const stranger = account(6);
const minor = account(7);
const otherCreator = account(8);
const personaFan = account(9);
const verifierKey = toHex(account(3).getHdKey().privateKey!);
const data = { legalName: "Ada Lovelace", dateOfBirth: "1990-01-31", country: "GB" };

const tokenFor = (address: Address, audience = KYF_AUDIENCE) =>
  signSessionToken({ address, audience, ttlSeconds: 60, secret: SECRET });

describe("KYF verifier service on anvil", () => {
  let chain: LocalChain;
  let deployment: MesiDeployment;
  let publicClient: PublicClient;
  let viemChain: Chain;
  let kyf: RunningKyf;
  let dataDir: string;
  let registry: { address: Address; abi: typeof abis.KyfRegistry };

  async function send(from: Account, functionName: "requestDisclosure" | "consent" | "revokeConsent", who: Address) {
    const wallet = createWalletClient({ account: from, chain: viemChain, transport: http(chain.url) });
    const hash = await wallet.writeContract({ ...registry, functionName, args: [who] });
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    expect(receipt.status).toBe("success");
  }

  const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
    fetch(`${kyf.url}${path}`, {
      method: init.method ?? "GET",
      headers: {
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const level = (wallet: Address) =>
    publicClient.readContract({ ...registry, functionName: "levelOf", args: [wallet] });

  beforeAll(async () => {
    chain = await startLocalChain({ accounts: 10 });
    viemChain = { ...foundry, rpcUrls: { default: { http: [chain.url] } } } as Chain;
    const transport = http(chain.url, { retryCount: 0 });
    publicClient = createPublicClient({ chain: viemChain, transport, pollingInterval: 50 }) as PublicClient;
    deployment = await deployMesi({
      walletClient: createWalletClient({ account: admin, chain: viemChain, transport }),
      publicClient,
      relayer: relayer.address,
      moderator: moderator.address,
      verifier: verifier.address,
    });
    registry = { address: deployment.contracts.KyfRegistry.address, abi: abis.KyfRegistry };
    dataDir = mkdtempSync(join(tmpdir(), "mesi-kyf-svc-"));
    kyf = await startKyf({
      dataDir,
      secret: SECRET,
      encryptionKey: randomBytes(32).toString("hex"),
      rpcUrl: chain.url,
      chainId: chain.chainId,
      registry: registry.address,
      verifierPrivateKey: verifierKey,
      logger: pino({ level: "silent" }),
    });
  });

  afterAll(async () => {
    await kyf?.stop();
    await chain?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses requests without a token, with another service's token or a forged one", async () => {
    expect((await call("/v1/registration", { method: "POST", body: data })).status).toBe(401);
    const streamToken = tokenFor(fan.address, "stream-gate");
    expect((await call("/v1/registration", { method: "POST", token: streamToken, body: data })).status).toBe(401);
    const forged = signSessionToken({
      address: fan.address,
      audience: KYF_AUDIENCE,
      ttlSeconds: 60,
      secret: "x".repeat(40),
    });
    expect((await call("/v1/registration", { method: "POST", token: forged, body: data })).status).toBe(401);
    expect(await level(fan.address)).toBe(0);
  });

  it("refuses a minor with a clear message; nothing is stored or attested", async () => {
    const response = await call("/v1/registration", {
      method: "POST",
      token: tokenFor(minor.address),
      body: { ...data, dateOfBirth: "2012-05-05" },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/at least 18/);
    const status = await (await call("/v1/registration", { token: tokenFor(minor.address) })).json();
    expect(status.registered).toBe(false);
    expect(await level(minor.address)).toBe(0);
  });

  it("registers a fan and attests them on-chain with the verifier role (level 1, a year)", async () => {
    const response = await call("/v1/registration", { method: "POST", token: tokenFor(fan.address), body: data });
    expect(response.status).toBe(201);
    const status = await response.json();
    expect(status).toMatchObject({ registered: true, level: 1, source: "embedded" });
    expect(await level(fan.address)).toBe(1);
    const attestation = await publicClient.readContract({
      ...registry,
      functionName: "attestationOf",
      args: [fan.address],
    });
    expect(attestation.verifier).toBe(verifier.address);
    expect(Number(attestation.expiresAt)).toBe(status.expiresAt);
    const year = status.expiresAt - Math.floor(Date.now() / 1000);
    expect(year).toBeGreaterThan(364 * 86_400);
    expect(year).toBeLessThanOrEqual(365 * 86_400);
  });

  it("discloses to a creator only while the fan's on-chain consent stands, and logs every read", async () => {
    const read = (who: Account) => call(`/v1/disclosures/${fan.address}`, { token: tokenFor(who.address) });

    // Nobody has asked: refused.
    expect((await read(creator)).status).toBe(403);
    await send(creator, "requestDisclosure", fan.address);
    // Asked but not consented: refused.
    const pending = await read(creator);
    expect(pending.status).toBe(403);
    expect((await pending.json()).message).toMatch(/does not share their details/);

    await send(fan, "consent", creator.address);
    const allowed = await read(creator);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("cache-control")).toBe("no-store");
    const body = await allowed.json();
    expect(body.data).toEqual(data);
    expect(body.level).toBe(1);

    // Another creator, a stranger and the fan's own creator-path read stay refused.
    expect((await read(otherCreator)).status).toBe(403);
    expect((await read(stranger)).status).toBe(403);
    expect((await read(fan)).status).toBe(403);

    // Revoking stops access from the very next read: no cache between the chain and the decision.
    await send(fan, "revokeConsent", creator.address);
    expect((await read(creator)).status).toBe(403);

    // A new request after consent clears it too (consent answers the latest request only).
    await send(fan, "consent", creator.address);
    expect((await read(creator)).status).toBe(200);
    await send(creator, "requestDisclosure", fan.address);
    expect((await read(creator)).status).toBe(403);

    const log = await (await call("/v1/disclosure-log", { token: tokenFor(fan.address) })).json();
    const outcomes = log.entries.map((entry: { creator: Address; outcome: string }) => [entry.creator, entry.outcome]);
    expect(outcomes.filter(([, outcome]: string[]) => outcome === "disclosed")).toHaveLength(2);
    expect(
      outcomes.every(([who]: string[]) =>
        [creator.address, otherCreator.address, stranger.address, fan.address].includes(who as Address),
      ),
    ).toBe(true);
    expect(log.entries.length).toBe(9);
    expect(log.entries[0]).toMatchObject({
      creator: creator.address,
      fan: fan.address,
      outcome: "refused",
      reason: "no_consent",
    });
    expect(Number(log.entries[0].blockNumber)).toBeGreaterThan(0);
  });

  it("refuses a bad fan address in the path", async () => {
    expect((await call("/v1/disclosures/0x123", { token: tokenFor(creator.address) })).status).toBe(400);
  });

  it("refuses to start with a key that lacks the verifier role", async () => {
    await expect(
      startKyf({
        dataDir: join(dataDir, "norole"),
        secret: SECRET,
        encryptionKey: randomBytes(32).toString("hex"),
        rpcUrl: chain.url,
        chainId: chain.chainId,
        registry: registry.address,
        verifierPrivateKey: toHex(stranger.getHdKey().privateKey!),
        logger: pino({ level: "silent" }),
      }),
    ).rejects.toThrow(/lacks VERIFIER_ROLE/);
  });

  describe("with the Persona adapter chosen by configuration", () => {
    const webhookSecret = "wbhsec_kyf-service-test-000000";
    let persona: RunningKyf;
    const approved = (eventId: string) =>
      JSON.stringify({
        data: {
          type: "event",
          id: eventId,
          attributes: {
            name: "inquiry.approved",
            payload: {
              data: {
                type: "inquiry",
                id: "inq_service_test",
                attributes: {
                  status: "approved",
                  "reference-id": personaFan.address,
                  fields: {
                    "name-first": { type: "string", value: "Grace" },
                    "name-last": { type: "string", value: "Hopper" },
                    birthdate: { type: "date", value: "1976-12-09" },
                    "address-country-code": { type: "string", value: "US" },
                  },
                },
              },
            },
          },
        },
      });
    const deliver = (body: string, signature: string) =>
      fetch(`${persona.url}/webhooks/persona`, {
        method: "POST",
        headers: { "content-type": "application/json", "persona-signature": signature },
        body,
      });

    beforeAll(async () => {
      persona = await startKyf({
        dataDir: join(dataDir, "persona"),
        secret: SECRET,
        encryptionKey: randomBytes(32).toString("hex"),
        rpcUrl: chain.url,
        chainId: chain.chainId,
        registry: registry.address,
        verifierPrivateKey: verifierKey,
        provider: { kind: "persona", webhookSecret },
        logger: pino({ level: "silent" }),
      });
    });
    afterAll(async () => persona?.stop());

    it("refuses forged and expired deliveries; nothing is attested", async () => {
      const body = approved("evt_forged");
      const now = Math.floor(Date.now() / 1000);
      expect((await deliver(body, signPersonaPayload(body, "wbhsec_wrong-secret-000000000", now))).status).toBe(401);
      expect((await deliver(body, signPersonaPayload(body, webhookSecret, now - 3_600))).status).toBe(401);
      expect(await level(personaFan.address)).toBe(0);
    });

    it("attests an approved inquiry at the provider's level, once per event id", async () => {
      const body = approved("evt_approved_1");
      const signature = signPersonaPayload(body, webhookSecret, Math.floor(Date.now() / 1000));
      const first = await deliver(body, signature);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ attested: personaFan.address, level: 2 });
      expect(await level(personaFan.address)).toBe(2);
      expect(await (await deliver(body, signature)).json()).toEqual({ duplicate: true });
    });

    it("does not take registration data from the embedded form", async () => {
      const response = await fetch(`${persona.url}/v1/registration`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokenFor(stranger.address)}`, "content-type": "application/json" },
        body: JSON.stringify(data),
      });
      expect(response.status).toBe(409);
    });
  });
});
