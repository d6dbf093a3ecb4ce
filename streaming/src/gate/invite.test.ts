import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { keccak256, toHex, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { InviteFormatError, readInvite, revocationSigner, signInvite, signInviteRevocation } from "./invite.ts";

const domain = { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" } as const;
const signer = privateKeyToAccount(generatePrivateKey());
const fan = privateKeyToAccount(generatePrivateKey()).address;
const claims = { streamId: 7n, invitee: fan, expiresAt: 1_900_000_000, id: keccak256(toHex("invite")) };

describe("invite links", () => {
  it("round-trips the claims and recovers the signer", async () => {
    const token = await signInvite(signer, domain, claims);
    assert.match(token, /^[A-Za-z0-9_-]+$/, "URL-safe");
    assert.deepEqual(await readInvite(token, domain), { ...claims, signer: signer.address });
  });

  it("a changed claim or another deployment recovers someone else", async () => {
    const token = await signInvite(signer, domain, claims);
    const body = JSON.parse(Buffer.from(token, "base64url").toString());
    const edited = Buffer.from(JSON.stringify({ ...body, e: body.e + 1 })).toString("base64url");
    assert.notEqual((await readInvite(edited, domain)).signer, signer.address);
    assert.notEqual((await readInvite(token, { ...domain, chainId: 1 })).signer, signer.address);
    const open = await signInvite(signer, domain, { ...claims, invitee: zeroAddress });
    assert.equal((await readInvite(open, domain)).invitee, zeroAddress);
  });

  it("refuses malformed tokens with InviteFormatError", async () => {
    const token = await signInvite(signer, domain, claims);
    const body = JSON.parse(Buffer.from(token, "base64url").toString());
    const bad = [
      "%%%",
      Buffer.from("[]").toString("base64url"),
      Buffer.from(JSON.stringify({ ...body, s: "-1" })).toString("base64url"),
      Buffer.from(JSON.stringify({ ...body, i: "0x12" })).toString("base64url"),
      Buffer.from(JSON.stringify({ ...body, e: 1.5 })).toString("base64url"),
      Buffer.from(JSON.stringify({ ...body, d: "0x12" })).toString("base64url"),
      Buffer.from(JSON.stringify({ ...body, sig: "0x1234" })).toString("base64url"),
    ];
    for (const token of bad) await assert.rejects(readInvite(token, domain), InviteFormatError, token);
  });

  it("revocations recover their signer and bind the stream and id", async () => {
    const revocation = { streamId: 7n, id: claims.id };
    const signature = await signInviteRevocation(signer, domain, revocation);
    assert.equal(await revocationSigner(domain, revocation, signature), signer.address);
    assert.notEqual(await revocationSigner(domain, { ...revocation, streamId: 8n }, signature), signer.address);
  });
});
