// Profile, follows, tiers, streams and the creator-only matrix of CreatorRegistry.
// Subscriptions are in subscribe.test.ts; one-to-one settings live in the escrow (OneToOneEscrow.test.ts).
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";

import { getAddress, maxUint256, parseEther, zeroAddress, type Address } from "viem";

import { assertEveryFunctionListed } from "../fixtures/accessControl.ts";

import { connect, publicRules, type Rules } from "./fixture.ts";

const U128_MAX = 2n ** 128n - 1n;

describe("CreatorRegistry", async () => {
  const { viem, networkHelpers, creator, fan, other, stranger, deploy, as, addr } = await connect();

  let registry: Awaited<ReturnType<typeof deploy>>["registry"];
  let vault: Awaited<ReturnType<typeof deploy>>["vault"];

  beforeEach(async () => {
    ({ registry, vault } = await networkHelpers.loadFixture(deploy));
  });

  const register = (wallet = creator) => registry.write.register(["ipfs://profile"], as(wallet));
  const privateRules: Rules = {
    isPrivate: true,
    followers: true,
    minTierRank: 2,
    minTipped: parseEther("25"),
    inviteSigner: "0x00000000000000000000000000000000000000A1",
    kyfLevel: 3,
  };

  it("deploys bound to the vault, with its constants", async () => {
    assert.equal(await registry.read.vault(), getAddress(vault.address));
    assert.equal(await registry.read.MAX_TRIAL_DAYS(), 7);
    assert.equal(await registry.read.MAX_PERIODS(), 24);
    assert.equal(await registry.read.MAX_KYF_LEVEL(), 3);
    assert.equal(await registry.read.streamCount(), 0n);
  });

  describe("register / updateProfile", () => {
    it("registers the caller and emits CreatorRegistered", async () => {
      assert.equal(await registry.read.isRegistered([creator.account.address]), false);
      await viem.assertions.emitWithArgs(register(), registry, "CreatorRegistered", [addr(creator), "ipfs://profile"]);
      assert.equal(await registry.read.isRegistered([creator.account.address]), true);
      assert.equal(await registry.read.isRegistered([fan.account.address]), false);
      // Registration opened the creator's earnings entry in the vault (their first fan pays no new storage).
      assert.equal(await vault.read.isLedgerOpen([creator.account.address]), true);
      assert.equal(await vault.read.isLedgerOpen([fan.account.address]), false);
    });

    it("reverts with Registry_AlreadyRegistered on a second registration", async () => {
      await register();
      await viem.assertions.revertWithCustomErrorWithArgs(register(), registry, "Registry_AlreadyRegistered", [
        addr(creator),
      ]);
    });

    it("reverts with Registry_EmptyProfile for an empty URI", async () => {
      await viem.assertions.revertWithCustomError(
        registry.write.register([""], as(creator)),
        registry,
        "Registry_EmptyProfile",
      );
    });

    it("updateProfile emits ProfileUpdated", async () => {
      await register();
      await viem.assertions.emitWithArgs(
        registry.write.updateProfile(["ipfs://v2"], as(creator)),
        registry,
        "ProfileUpdated",
        [addr(creator), "ipfs://v2"],
      );
    });

    it("updateProfile reverts with Registry_NotRegistered and Registry_EmptyProfile", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.updateProfile(["ipfs://v2"], as(creator)),
        registry,
        "Registry_NotRegistered",
        [addr(creator)],
      );
      await register();
      await viem.assertions.revertWithCustomError(
        registry.write.updateProfile([""], as(creator)),
        registry,
        "Registry_EmptyProfile",
      );
    });
  });

  describe("follow / unfollow", () => {
    beforeEach(async () => {
      await register();
    });

    it("follows and emits Followed; unfollows and emits Unfollowed; follows again", async () => {
      await viem.assertions.emitWithArgs(
        registry.write.follow([creator.account.address], as(fan)),
        registry,
        "Followed",
        [addr(fan), addr(creator)],
      );
      assert.equal(await registry.read.isFollowing([fan.account.address, creator.account.address]), true);
      assert.equal(await registry.read.isFollowing([creator.account.address, fan.account.address]), false);
      assert.equal(await registry.read.isFollowing([other.account.address, creator.account.address]), false);

      await viem.assertions.emitWithArgs(
        registry.write.unfollow([creator.account.address], as(fan)),
        registry,
        "Unfollowed",
        [addr(fan), addr(creator)],
      );
      assert.equal(await registry.read.isFollowing([fan.account.address, creator.account.address]), false);
      await registry.write.follow([creator.account.address], as(fan));
      assert.equal(await registry.read.isFollowing([fan.account.address, creator.account.address]), true);
    });

    it("reverts with Registry_NotRegistered for an unregistered creator", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.follow([other.account.address], as(fan)),
        registry,
        "Registry_NotRegistered",
        [addr(other)],
      );
    });

    it("reverts with Registry_SelfFollow", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.follow([creator.account.address], as(creator)),
        registry,
        "Registry_SelfFollow",
        [addr(creator)],
      );
    });

    it("reverts with Registry_AlreadyFollowing", async () => {
      await registry.write.follow([creator.account.address], as(fan));
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.follow([creator.account.address], as(fan)),
        registry,
        "Registry_AlreadyFollowing",
        [addr(fan), addr(creator)],
      );
    });

    it("reverts with Registry_Blocked while the creator blocks the fan in the vault", async () => {
      await vault.write.blockFan([fan.account.address], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.follow([creator.account.address], as(fan)),
        registry,
        "Registry_Blocked",
        [addr(creator), addr(fan)],
      );
      // Another fan is unaffected; once unblocked the fan may follow.
      await registry.write.follow([creator.account.address], as(other));
      await vault.write.unblockFan([fan.account.address], as(creator));
      await registry.write.follow([creator.account.address], as(fan));
      assert.equal(await registry.read.isFollowing([fan.account.address, creator.account.address]), true);
    });

    it("a blocked follower can still unfollow", async () => {
      await registry.write.follow([creator.account.address], as(fan));
      await vault.write.blockFan([fan.account.address], as(creator));
      await registry.write.unfollow([creator.account.address], as(fan));
      assert.equal(await registry.read.isFollowing([fan.account.address, creator.account.address]), false);
    });

    it("unfollow reverts with Registry_NotFollowing", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.unfollow([creator.account.address], as(fan)),
        registry,
        "Registry_NotFollowing",
        [addr(fan), addr(creator)],
      );
    });
  });

  describe("createTier / updateTier", () => {
    beforeEach(async () => {
      await register();
    });

    it("creates tiers with ids from 1, emits TierCreated and stores them in one record", async () => {
      const { result } = await registry.simulate.createTier([parseEther("5"), 1, 7, "ipfs://bronze"], {
        account: creator.account.address,
      });
      assert.equal(result, 1);
      await viem.assertions.emitWithArgs(
        registry.write.createTier([parseEther("5"), 1, 7, "ipfs://bronze"], as(creator)),
        registry,
        "TierCreated",
        [addr(creator), 1, parseEther("5"), 1, 7, "ipfs://bronze"],
      );
      await viem.assertions.emitWithArgs(
        registry.write.createTier([parseEther("20"), 3, 0, ""], as(creator)),
        registry,
        "TierCreated",
        [addr(creator), 2, parseEther("20"), 3, 0, ""],
      );
      assert.equal(await registry.read.tierCount([creator.account.address]), 2);
      assert.deepEqual(await registry.read.tierOf([creator.account.address, 1]), {
        pricePer30Days: parseEther("5"),
        rank: 1,
        trialDays: 7,
        active: true,
      });
      assert.deepEqual(await registry.read.tierOf([creator.account.address, 2]), {
        pricePer30Days: parseEther("20"),
        rank: 3,
        trialDays: 0,
        active: true,
      });
    });

    it("counts tiers per creator", async () => {
      await register(other);
      await registry.write.createTier([1n, 1, 0, ""], as(creator));
      await registry.write.createTier([1n, 1, 0, ""], as(creator));
      await registry.write.createTier([1n, 1, 0, ""], as(other));
      assert.equal(await registry.read.tierCount([creator.account.address]), 2);
      assert.equal(await registry.read.tierCount([other.account.address]), 1);
      assert.equal(await registry.read.tierCount([fan.account.address]), 0);
    });

    it("accepts the extreme price 2^128 - 1 and price 1", async () => {
      await registry.write.createTier([U128_MAX, 255, 0, ""], as(creator));
      await registry.write.createTier([1n, 1, 0, ""], as(creator));
      assert.equal((await registry.read.tierOf([creator.account.address, 1])).pricePer30Days, U128_MAX);
      assert.equal((await registry.read.tierOf([creator.account.address, 2])).pricePer30Days, 1n);
    });

    it("reads an unknown tier as zeros", async () => {
      assert.deepEqual(await registry.read.tierOf([creator.account.address, 9]), {
        pricePer30Days: 0n,
        rank: 0,
        trialDays: 0,
        active: false,
      });
    });

    it("createTier reverts with Registry_NotRegistered", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.createTier([1n, 1, 0, ""], as(fan)),
        registry,
        "Registry_NotRegistered",
        [addr(fan)],
      );
    });

    it("createTier reverts with Registry_InvalidPrice for 0 and for prices above 2^128 - 1", async () => {
      for (const price of [0n, U128_MAX + 1n, maxUint256]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.createTier([price, 1, 0, ""], as(creator)),
          registry,
          "Registry_InvalidPrice",
          [price],
        );
      }
    });

    it("createTier reverts with Registry_InvalidRank for rank 0", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.createTier([1n, 0, 0, ""], as(creator)),
        registry,
        "Registry_InvalidRank",
        [0],
      );
    });

    it("createTier reverts with Registry_TrialTooLong above 7 days", async () => {
      for (const days of [8, 255]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.createTier([1n, 1, days, ""], as(creator)),
          registry,
          "Registry_TrialTooLong",
          [days, 7],
        );
      }
    });

    it("updateTier changes price and active flag, keeps rank and trial, emits TierUpdated", async () => {
      await registry.write.createTier([parseEther("5"), 2, 3, ""], as(creator));
      await viem.assertions.emitWithArgs(
        registry.write.updateTier([1, parseEther("8"), false], as(creator)),
        registry,
        "TierUpdated",
        [addr(creator), 1, parseEther("8"), false],
      );
      assert.deepEqual(await registry.read.tierOf([creator.account.address, 1]), {
        pricePer30Days: parseEther("8"),
        rank: 2,
        trialDays: 3,
        active: false,
      });
      await registry.write.updateTier([1, U128_MAX, true], as(creator));
      assert.deepEqual(await registry.read.tierOf([creator.account.address, 1]), {
        pricePer30Days: U128_MAX,
        rank: 2,
        trialDays: 3,
        active: true,
      });
    });

    it("updateTier reverts with Registry_InvalidTier for id 0, unknown ids and other creators' tiers", async () => {
      await registry.write.createTier([1n, 1, 0, ""], as(creator));
      for (const [wallet, tierId] of [
        [creator, 0],
        [creator, 2],
        [other, 1],
        [fan, 1],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.updateTier([tierId, 1n, true], as(wallet)),
          registry,
          "Registry_InvalidTier",
          [addr(wallet), tierId],
        );
      }
    });

    it("updateTier reverts with Registry_InvalidPrice", async () => {
      await registry.write.createTier([1n, 1, 0, ""], as(creator));
      for (const price of [0n, U128_MAX + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.updateTier([1, price, true], as(creator)),
          registry,
          "Registry_InvalidPrice",
          [price],
        );
      }
    });
  });

  describe("streams", () => {
    beforeEach(async () => {
      await register();
    });

    const expectedStream = (owner: Address, live: boolean, rules: Rules) => ({ creator: owner, live, rules });

    it("creates streams with ids from 1, emits StreamCreated and stores creator and rules", async () => {
      const { result } = await registry.simulate.createStream([privateRules, "ipfs://s1"], {
        account: creator.account.address,
      });
      assert.equal(result, 1n);
      await viem.assertions.emitWithArgs(
        registry.write.createStream([privateRules, "ipfs://s1"], as(creator)),
        registry,
        "StreamCreated",
        [1n, addr(creator), privateRules, "ipfs://s1"],
      );
      await register(other);
      await viem.assertions.emitWithArgs(
        registry.write.createStream([publicRules, ""], as(other)),
        registry,
        "StreamCreated",
        [2n, addr(other), publicRules, ""],
      );
      assert.equal(await registry.read.streamCount(), 2n);
      assert.deepEqual(await registry.read.streamOf([1n]), expectedStream(addr(creator), false, privateRules));
      assert.deepEqual(await registry.read.streamOf([2n]), expectedStream(addr(other), false, publicRules));
      assert.equal(await registry.read.streamCreator([1n]), addr(creator));
      assert.equal(await registry.read.streamCreator([2n]), addr(other));
    });

    it("reads unknown streams (0 and past the count) as zeros", async () => {
      await registry.write.createStream([privateRules, ""], as(creator));
      for (const id of [0n, 2n]) {
        assert.equal(await registry.read.streamCreator([id]), zeroAddress);
        assert.deepEqual(await registry.read.streamOf([id]), expectedStream(zeroAddress, false, publicRules));
      }
    });

    it("createStream reverts with Registry_NotRegistered", async () => {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.createStream([publicRules, ""], as(fan)),
        registry,
        "Registry_NotRegistered",
        [addr(fan)],
      );
    });

    it("createStream reverts with Registry_InvalidKyfLevel above 3", async () => {
      for (const kyfLevel of [4, 255]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.createStream([{ ...publicRules, kyfLevel }, ""], as(creator)),
          registry,
          "Registry_InvalidKyfLevel",
          [kyfLevel],
        );
      }
    });

    it("updateStreamRules replaces the rules, keeps live, emits StreamRulesUpdated", async () => {
      await registry.write.createStream([publicRules, ""], as(creator));
      await registry.write.setLive([1n, true], as(creator));
      await viem.assertions.emitWithArgs(
        registry.write.updateStreamRules([1n, privateRules], as(creator)),
        registry,
        "StreamRulesUpdated",
        [1n, addr(creator), privateRules],
      );
      assert.deepEqual(await registry.read.streamOf([1n]), expectedStream(addr(creator), true, privateRules));
      const maxed: Rules = {
        isPrivate: true,
        followers: false,
        minTierRank: 255,
        minTipped: maxUint256,
        inviteSigner: "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF",
        kyfLevel: 0,
      };
      await registry.write.updateStreamRules([1n, maxed], as(creator));
      assert.deepEqual(await registry.read.streamOf([1n]), expectedStream(addr(creator), true, maxed));
    });

    it("updateStreamRules reverts with Registry_UnknownStream, Registry_NotStreamCreator, Registry_InvalidKyfLevel", async () => {
      await registry.write.createStream([publicRules, ""], as(creator));
      for (const id of [0n, 2n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.updateStreamRules([id, publicRules], as(creator)),
          registry,
          "Registry_UnknownStream",
          [id],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.updateStreamRules([1n, publicRules], as(fan)),
        registry,
        "Registry_NotStreamCreator",
        [1n, addr(fan)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.updateStreamRules([1n, { ...publicRules, kyfLevel: 4 }], as(creator)),
        registry,
        "Registry_InvalidKyfLevel",
        [4],
      );
    });

    it("setLive toggles live, keeps rules, emits StreamLiveSet", async () => {
      await registry.write.createStream([privateRules, ""], as(creator));
      for (const live of [true, true, false]) {
        await viem.assertions.emitWithArgs(registry.write.setLive([1n, live], as(creator)), registry, "StreamLiveSet", [
          1n,
          addr(creator),
          live,
        ]);
        assert.deepEqual(await registry.read.streamOf([1n]), expectedStream(addr(creator), live, privateRules));
      }
    });

    it("setLive reverts with Registry_UnknownStream and Registry_NotStreamCreator", async () => {
      await registry.write.createStream([publicRules, ""], as(creator));
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setLive([7n, true], as(creator)),
        registry,
        "Registry_UnknownStream",
        [7n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setLive([1n, true], as(other)),
        registry,
        "Registry_NotStreamCreator",
        [1n, addr(other)],
      );
    });
  });

  describe("creator-only functions (the registry's only privileges)", () => {
    it("has no role: every ABI function is creator-only (checked below) or open by design", () => {
      assertEveryFunctionListed("CreatorRegistry", registry.abi, {
        guarded: ["updateProfile", "createTier", "updateTier", "createStream", "updateStreamRules", "setLive"],
        openByDesign: {
          register: "anyone registers themselves as a creator, once",
          follow: "a fan edits their own follows",
          unfollow: "a fan edits their own follows",
          subscribe: "a fan pays for their own subscription",
        },
      });
    });

    it("every creator-owned action reverts for every account that does not own it", async () => {
      await register();
      await registry.write.createTier([1n, 1, 0, ""], as(creator));
      await registry.write.createStream([publicRules, ""], as(creator));
      for (const wallet of [fan, other, stranger]) {
        const a = addr(wallet);
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.updateProfile(["x"], as(wallet)),
          registry,
          "Registry_NotRegistered",
          [a],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.createTier([1n, 1, 0, ""], as(wallet)),
          registry,
          "Registry_NotRegistered",
          [a],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.updateTier([1, 2n, false], as(wallet)),
          registry,
          "Registry_InvalidTier",
          [a, 1],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.createStream([publicRules, ""], as(wallet)),
          registry,
          "Registry_NotRegistered",
          [a],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.updateStreamRules([1n, privateRules], as(wallet)),
          registry,
          "Registry_NotStreamCreator",
          [1n, a],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.setLive([1n, true], as(wallet)),
          registry,
          "Registry_NotStreamCreator",
          [1n, a],
        );
      }
      // Being registered does not give rights over another creator's tier or stream.
      await register(other);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setLive([1n, true], as(other)),
        registry,
        "Registry_NotStreamCreator",
        [1n, addr(other)],
      );
      assert.deepEqual(await registry.read.tierOf([creator.account.address, 1]), {
        pricePer30Days: 1n,
        rank: 1,
        trialDays: 0,
        active: true,
      });
    });
  });
});
