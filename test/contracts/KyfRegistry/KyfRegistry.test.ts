import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress, keccak256, toHex, zeroAddress, type Account, type Address } from "viem";

import {
  assertDefaultAdminOnly,
  assertEveryFunctionListed,
  DEFAULT_ADMIN_RULES_OPEN,
} from "../fixtures/accessControl.ts";

const HOUR = 3600n;
const DAY = 24n * HOUR;
const VERIFIER_ROLE = keccak256(toHex("VERIFIER_ROLE"));
const KYF_REQUESTER_ROLE = keccak256(toHex("KYF_REQUESTER_ROLE"));
const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as const;

describe("KyfRegistry", async () => {
  const { viem, networkHelpers } = await network.create();
  const wallets = await viem.getWalletClients();
  const wallet = (index: number) => {
    const found = wallets[index];
    if (found === undefined) throw new Error(`no wallet ${index}`);
    return found;
  };
  const admin = wallet(0);
  const verifier = wallet(1);
  const requester = wallet(2);
  const creator = wallet(3);
  const fan = wallet(4);
  const other = wallet(5);
  const stranger = wallet(6);

  async function deployFixture() {
    const kyf = await viem.deployContract("KyfRegistry", [0, admin.account.address]);
    await kyf.write.grantRole([VERIFIER_ROLE, verifier.account.address]);
    await kyf.write.grantRole([KYF_REQUESTER_ROLE, requester.account.address]);
    return kyf;
  }

  let kyf: Awaited<ReturnType<typeof deployFixture>>;

  /** Pins the next block's timestamp `delta` seconds after the latest one and returns it. */
  async function nextTimestamp(delta = 10n): Promise<bigint> {
    const t = BigInt(await networkHelpers.time.latest()) + delta;
    await networkHelpers.time.setNextBlockTimestamp(t);
    return t;
  }

  async function now(): Promise<bigint> {
    return BigInt(await networkHelpers.time.latest());
  }

  const as = (account: { account: Account }) => ({ account: account.account });

  async function attest(wallet: Address, level: number, ttl = 30n * DAY) {
    const expiresAt = (await now()) + ttl;
    await kyf.write.attest([wallet, level, expiresAt], as(verifier));
    return expiresAt;
  }

  beforeEach(async () => {
    kyf = await networkHelpers.loadFixture(deployFixture);
  });

  describe("deployment", () => {
    it("sets the admin, a zero handover delay, the role constants and a 48 h consent window", async () => {
      assert.equal(await kyf.read.hasRole([DEFAULT_ADMIN_ROLE, admin.account.address]), true);
      assert.equal((await kyf.read.defaultAdmin()).toLowerCase(), admin.account.address.toLowerCase());
      assert.equal(await kyf.read.defaultAdminDelay(), 0);
      assert.equal(await kyf.read.VERIFIER_ROLE(), VERIFIER_ROLE);
      assert.equal(await kyf.read.KYF_REQUESTER_ROLE(), KYF_REQUESTER_ROLE);
      assert.equal(await kyf.read.consentWindow(), 48n * HOUR);
      assert.equal(await kyf.read.MAX_LEVEL(), 3);
      assert.equal(await kyf.read.MIN_CONSENT_WINDOW(), HOUR);
      assert.equal(await kyf.read.MAX_CONSENT_WINDOW(), 30n * DAY);
    });

    it("hands the admin role over in two steps", async () => {
      await kyf.write.beginDefaultAdminTransfer([other.account.address]);
      await kyf.write.acceptDefaultAdminTransfer(as(other));
      assert.equal(await kyf.read.hasRole([DEFAULT_ADMIN_ROLE, other.account.address]), true);
      assert.equal(await kyf.read.hasRole([DEFAULT_ADMIN_ROLE, admin.account.address]), false);
    });
  });

  describe("attest", () => {
    it("records the attestation and emits Attested", async () => {
      const expiresAt = (await now()) + 30n * DAY;
      await viem.assertions.emitWithArgs(
        kyf.write.attest([fan.account.address, 2, expiresAt], as(verifier)),
        kyf,
        "Attested",
        [fan.account.address, 2, expiresAt, verifier.account.address],
      );
      const attestation = await kyf.read.attestationOf([fan.account.address]);
      assert.deepEqual(attestation, { level: 2, expiresAt, verifier: getAddress(verifier.account.address) });
      assert.equal(await kyf.read.levelOf([fan.account.address]), 2);
    });

    it("overwrites an earlier attestation (level down, later expiry, other verifier)", async () => {
      await attest(fan.account.address, 3);
      await kyf.write.grantRole([VERIFIER_ROLE, other.account.address]);
      const expiresAt = (await now()) + 90n * DAY;
      await kyf.write.attest([fan.account.address, 1, expiresAt], as(other));
      assert.deepEqual(await kyf.read.attestationOf([fan.account.address]), {
        level: 1,
        expiresAt,
        verifier: getAddress(other.account.address),
      });
    });

    it("accepts levels 1 to 3", async () => {
      for (const level of [1, 2, 3]) {
        await attest(fan.account.address, level);
        assert.equal(await kyf.read.levelOf([fan.account.address]), level);
      }
    });

    it("reverts with Kyf_ZeroAddress for the zero wallet", async () => {
      const expiresAt = (await now()) + DAY;
      await viem.assertions.revertWithCustomError(
        kyf.write.attest([zeroAddress, 1, expiresAt], as(verifier)),
        kyf,
        "Kyf_ZeroAddress",
      );
    });

    it("reverts with Kyf_InvalidLevel for levels 0 and 4..255", async () => {
      const expiresAt = (await now()) + DAY;
      for (const level of [0, 4, 255]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          kyf.write.attest([fan.account.address, level, expiresAt], as(verifier)),
          kyf,
          "Kyf_InvalidLevel",
          [level],
        );
      }
    });

    it("reverts with Kyf_ExpiryInPast for an expiry at or before the block time", async () => {
      const t = await nextTimestamp();
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.attest([fan.account.address, 1, t], as(verifier)),
        kyf,
        "Kyf_ExpiryInPast",
        [t],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.attest([fan.account.address, 1, 0n], as(verifier)),
        kyf,
        "Kyf_ExpiryInPast",
        [0n],
      );
    });

    it("accepts an expiry one second after the block time, valid for that one second", async () => {
      const t = await nextTimestamp();
      await kyf.write.attest([fan.account.address, 1, t + 1n], as(verifier));
      assert.equal(await kyf.read.levelOf([fan.account.address]), 1);
      await networkHelpers.mine(); // next block: t + 1 == expiresAt
      assert.equal(await kyf.read.levelOf([fan.account.address]), 0);
    });
  });

  describe("levelOf", () => {
    it("is 0 for an unknown wallet", async () => {
      assert.equal(await kyf.read.levelOf([stranger.account.address]), 0);
    });

    it("is the level until expiresAt and 0 from expiresAt on", async () => {
      const expiresAt = await attest(fan.account.address, 2, DAY);
      await networkHelpers.time.increaseTo(expiresAt - 1n);
      assert.equal(await kyf.read.levelOf([fan.account.address]), 2);
      await networkHelpers.time.increaseTo(expiresAt);
      assert.equal(await kyf.read.levelOf([fan.account.address]), 0);
      // The record itself stays.
      assert.equal((await kyf.read.attestationOf([fan.account.address])).level, 2);
    });
  });

  describe("revoke", () => {
    it("clears the attestation and emits AttestationRevoked", async () => {
      await attest(fan.account.address, 2);
      await viem.assertions.emitWithArgs(
        kyf.write.revoke([fan.account.address], as(verifier)),
        kyf,
        "AttestationRevoked",
        [fan.account.address, verifier.account.address],
      );
      assert.deepEqual(await kyf.read.attestationOf([fan.account.address]), {
        level: 0,
        expiresAt: 0n,
        verifier: zeroAddress,
      });
      assert.equal(await kyf.read.levelOf([fan.account.address]), 0);
    });

    it("revokes an expired attestation", async () => {
      const expiresAt = await attest(fan.account.address, 1, HOUR);
      await networkHelpers.time.increaseTo(expiresAt + 1n);
      await kyf.write.revoke([fan.account.address], as(verifier));
      assert.equal((await kyf.read.attestationOf([fan.account.address])).level, 0);
    });

    it("reverts with Kyf_NotAttested for a wallet never attested or already revoked", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.revoke([fan.account.address], as(verifier)),
        kyf,
        "Kyf_NotAttested",
        [fan.account.address],
      );
      await attest(fan.account.address, 1);
      await kyf.write.revoke([fan.account.address], as(verifier));
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.revoke([fan.account.address], as(verifier)),
        kyf,
        "Kyf_NotAttested",
        [fan.account.address],
      );
    });
  });

  describe("requestDisclosure", () => {
    it("records the request and emits DisclosureRequested with deadline = now + window", async () => {
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(
        kyf.write.requestDisclosure([fan.account.address], as(creator)),
        kyf,
        "DisclosureRequested",
        [creator.account.address, fan.account.address, t, t + 48n * HOUR],
      );
      assert.deepEqual(await kyf.read.disclosureOf([creator.account.address, fan.account.address]), {
        requestedAt: t,
        consentedAt: 0n,
      });
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);
    });

    it("uses the current consent window for the deadline", async () => {
      await kyf.write.setConsentWindow([2n * HOUR]);
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(
        kyf.write.requestDisclosure([fan.account.address], as(creator)),
        kyf,
        "DisclosureRequested",
        [creator.account.address, fan.account.address, t, t + 2n * HOUR],
      );
    });

    it("a new request resets an earlier consent", async () => {
      await attest(fan.account.address, 2);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);

      const t = await nextTimestamp(100n);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      assert.deepEqual(await kyf.read.disclosureOf([creator.account.address, fan.account.address]), {
        requestedAt: t,
        consentedAt: 0n,
      });
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);

      const t2 = await nextTimestamp();
      await kyf.write.consent([creator.account.address], as(fan));
      assert.deepEqual(await kyf.read.disclosureOf([creator.account.address, fan.account.address]), {
        requestedAt: t,
        consentedAt: t2,
      });
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);
    });

    it("keeps requests per creator-fan pair", async () => {
      await attest(fan.account.address, 1);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      assert.equal(await kyf.read.hasConsented([other.account.address, fan.account.address]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.consent([other.account.address], as(fan)),
        kyf,
        "Kyf_NoRequest",
        [other.account.address, fan.account.address],
      );
    });

    it("reverts with Kyf_SelfRequest when the creator asks themselves", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.requestDisclosure([creator.account.address], as(creator)),
        kyf,
        "Kyf_SelfRequest",
        [creator.account.address],
      );
    });

    it("reverts with Kyf_ZeroAddress for the zero fan", async () => {
      await viem.assertions.revertWithCustomError(
        kyf.write.requestDisclosure([zeroAddress], as(creator)),
        kyf,
        "Kyf_ZeroAddress",
      );
    });
  });

  describe("requestDisclosureFor", () => {
    it("records the request for the creator and emits DisclosureRequested", async () => {
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(
        kyf.write.requestDisclosureFor([creator.account.address, fan.account.address], as(requester)),
        kyf,
        "DisclosureRequested",
        [creator.account.address, fan.account.address, t, t + 48n * HOUR],
      );
      assert.deepEqual(await kyf.read.disclosureOf([creator.account.address, fan.account.address]), {
        requestedAt: t,
        consentedAt: 0n,
      });
      // Nothing is recorded for the requester itself.
      assert.equal((await kyf.read.disclosureOf([requester.account.address, fan.account.address])).requestedAt, 0n);
    });

    it("resets a consent given to an earlier direct request", async () => {
      await attest(fan.account.address, 1);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      await kyf.write.requestDisclosureFor([creator.account.address, fan.account.address], as(requester));
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);
    });

    it("reverts with Kyf_SelfRequest when creator == fan", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.requestDisclosureFor([fan.account.address, fan.account.address], as(requester)),
        kyf,
        "Kyf_SelfRequest",
        [fan.account.address],
      );
    });

    it("reverts with Kyf_ZeroAddress for a zero creator or fan", async () => {
      await viem.assertions.revertWithCustomError(
        kyf.write.requestDisclosureFor([zeroAddress, fan.account.address], as(requester)),
        kyf,
        "Kyf_ZeroAddress",
      );
      await viem.assertions.revertWithCustomError(
        kyf.write.requestDisclosureFor([creator.account.address, zeroAddress], as(requester)),
        kyf,
        "Kyf_ZeroAddress",
      );
    });
  });

  describe("consent", () => {
    it("records consent and emits DisclosureConsented with the fan's level", async () => {
      await attest(fan.account.address, 3);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      const t = await nextTimestamp();
      await viem.assertions.emitWithArgs(
        kyf.write.consent([creator.account.address], as(fan)),
        kyf,
        "DisclosureConsented",
        [creator.account.address, fan.account.address, 3, t],
      );
      assert.equal((await kyf.read.disclosureOf([creator.account.address, fan.account.address])).consentedAt, t);
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);
    });

    it("is allowed after the deadline (the escrow enforces the deadline, not the registry)", async () => {
      await attest(fan.account.address, 1, 10n * DAY);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await networkHelpers.time.increase(49n * HOUR);
      await kyf.write.consent([creator.account.address], as(fan));
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);
    });

    it("reverts with Kyf_NoRequest without a request", async () => {
      await attest(fan.account.address, 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.consent([creator.account.address], as(fan)),
        kyf,
        "Kyf_NoRequest",
        [creator.account.address, fan.account.address],
      );
    });

    it("reverts with Kyf_AlreadyConsented when consenting twice to the same request", async () => {
      await attest(fan.account.address, 1);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.consent([creator.account.address], as(fan)),
        kyf,
        "Kyf_AlreadyConsented",
        [creator.account.address, fan.account.address],
      );
    });

    it("reverts with Kyf_NotAttested for a fan never attested", async () => {
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.consent([creator.account.address], as(fan)),
        kyf,
        "Kyf_NotAttested",
        [fan.account.address],
      );
    });

    it("reverts with Kyf_NotAttested once the attestation expired or was revoked", async () => {
      const expiresAt = await attest(fan.account.address, 2, HOUR);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await networkHelpers.time.setNextBlockTimestamp(expiresAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.consent([creator.account.address], as(fan)),
        kyf,
        "Kyf_NotAttested",
        [fan.account.address],
      );
      await attest(fan.account.address, 2);
      await kyf.write.revoke([fan.account.address], as(verifier));
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.consent([creator.account.address], as(fan)),
        kyf,
        "Kyf_NotAttested",
        [fan.account.address],
      );
    });
  });

  describe("revokeConsent", () => {
    it("clears the consent, keeps the request pending and emits DisclosureConsentRevoked", async () => {
      await attest(fan.account.address, 1);
      const requestedAt = await nextTimestamp();
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      await viem.assertions.emitWithArgs(
        kyf.write.revokeConsent([creator.account.address], as(fan)),
        kyf,
        "DisclosureConsentRevoked",
        [creator.account.address, fan.account.address],
      );
      assert.deepEqual(await kyf.read.disclosureOf([creator.account.address, fan.account.address]), {
        requestedAt,
        consentedAt: 0n,
      });
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);
      // The request is still pending: the fan may consent again.
      await kyf.write.consent([creator.account.address], as(fan));
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);
    });

    it("works after the attestation expired", async () => {
      const expiresAt = await attest(fan.account.address, 1, HOUR);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      await networkHelpers.time.increaseTo(expiresAt + 1n);
      await kyf.write.revokeConsent([creator.account.address], as(fan));
      assert.equal((await kyf.read.disclosureOf([creator.account.address, fan.account.address])).consentedAt, 0n);
    });

    it("reverts with Kyf_NotConsented without consent (no request, or pending request)", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.revokeConsent([creator.account.address], as(fan)),
        kyf,
        "Kyf_NotConsented",
        [creator.account.address, fan.account.address],
      );
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.revokeConsent([creator.account.address], as(fan)),
        kyf,
        "Kyf_NotConsented",
        [creator.account.address, fan.account.address],
      );
    });
  });

  describe("hasConsented", () => {
    it("follows the fan's attestation: false after expiry or revocation, true again after re-attestation", async () => {
      const expiresAt = await attest(fan.account.address, 2, DAY);
      await kyf.write.requestDisclosure([fan.account.address], as(creator));
      await kyf.write.consent([creator.account.address], as(fan));
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);

      await networkHelpers.time.increaseTo(expiresAt);
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);

      await attest(fan.account.address, 1);
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), true);

      await kyf.write.revoke([fan.account.address], as(verifier));
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);
    });

    it("is false for unknown pairs", async () => {
      assert.equal(await kyf.read.hasConsented([creator.account.address, fan.account.address]), false);
    });
  });

  describe("setConsentWindow", () => {
    it("updates the window and emits ConsentWindowUpdated(old, new)", async () => {
      await viem.assertions.emitWithArgs(kyf.write.setConsentWindow([HOUR]), kyf, "ConsentWindowUpdated", [
        48n * HOUR,
        HOUR,
      ]);
      assert.equal(await kyf.read.consentWindow(), HOUR);
      await viem.assertions.emitWithArgs(kyf.write.setConsentWindow([30n * DAY]), kyf, "ConsentWindowUpdated", [
        HOUR,
        30n * DAY,
      ]);
      assert.equal(await kyf.read.consentWindow(), 30n * DAY);
    });

    it("reverts with Kyf_InvalidWindow outside 1 hour to 30 days", async () => {
      for (const seconds of [0n, HOUR - 1n, 30n * DAY + 1n, 2n ** 256n - 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          kyf.write.setConsentWindow([seconds]),
          kyf,
          "Kyf_InvalidWindow",
          [seconds],
        );
      }
    });
  });

  describe("access control", () => {
    type Call = { name: string; role: `0x${string}`; call: (account: Address) => Promise<`0x${string}`> };
    const calls: Call[] = [
      {
        name: "attest",
        role: VERIFIER_ROLE,
        call: async (account) => kyf.write.attest([fan.account.address, 1, (await now()) + DAY], { account }),
      },
      { name: "revoke", role: VERIFIER_ROLE, call: (account) => kyf.write.revoke([fan.account.address], { account }) },
      {
        name: "requestDisclosureFor",
        role: KYF_REQUESTER_ROLE,
        call: (account) => kyf.write.requestDisclosureFor([creator.account.address, fan.account.address], { account }),
      },
      {
        name: "setConsentWindow",
        role: DEFAULT_ADMIN_ROLE,
        call: (account) => kyf.write.setConsentWindow([HOUR], { account }),
      },
      {
        name: "grantRole",
        role: DEFAULT_ADMIN_ROLE,
        call: (account) => kyf.write.grantRole([VERIFIER_ROLE, account], { account }),
      },
      {
        name: "revokeRole",
        role: DEFAULT_ADMIN_ROLE,
        call: (account) => kyf.write.revokeRole([VERIFIER_ROLE, verifier.account.address], { account }),
      },
    ];

    let accounts: Address[];
    before(() => {
      accounts = [admin, verifier, requester, creator, fan, other, stranger].map((c) => c.account.address);
    });

    for (const { name, role, call } of calls) {
      it(`${name} reverts with AccessControlUnauthorizedAccount for every account without its role`, async () => {
        await attest(fan.account.address, 1); // so that revoke would succeed for a verifier
        let checked = 0;
        for (const account of accounts) {
          if (await kyf.read.hasRole([role, account])) continue;
          await viem.assertions.revertWithCustomErrorWithArgs(call(account), kyf, "AccessControlUnauthorizedAccount", [
            account,
            role,
          ]);
          checked++;
        }
        assert.ok(checked >= accounts.length - 1);
      });
    }

    it("refuses the default-admin transfer to every other account; every ABI function is in the matrix or open", async () => {
      const defaultAdminOnly = await assertDefaultAdminOnly(kyf, viem.assertions, [verifier, requester, fan, other]);
      assertEveryFunctionListed("KyfRegistry", kyf.abi, {
        guarded: [...calls.map(({ name }) => name), ...defaultAdminOnly],
        openByDesign: {
          ...DEFAULT_ADMIN_RULES_OPEN,
          requestDisclosure: "a creator asks, in their own name, for a fan's disclosure",
          consent: "a fan consents to a request made to them",
          revokeConsent: "a fan withdraws their own consent",
        },
      });
    });

    it("a role revoked by the admin stops working", async () => {
      await kyf.write.revokeRole([VERIFIER_ROLE, verifier.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        kyf.write.attest([fan.account.address, 1, (await now()) + DAY], as(verifier)),
        kyf,
        "AccessControlUnauthorizedAccount",
        [verifier.account.address, VERIFIER_ROLE],
      );
    });
  });
});
