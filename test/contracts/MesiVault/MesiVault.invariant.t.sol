// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { StdInvariant } from "forge-std/StdInvariant.sol";
import { Test } from "forge-std/Test.sol";

import { MesiToken } from "../../../contracts/MesiToken.sol";
import { MesiVault } from "../../../contracts/MesiVault.sol";
import { TestUSDC } from "../../../contracts/TestUSDC.sol";
import { IMesiVault } from "../../../contracts/interfaces/IMesiVault.sol";
import { MesiTypes } from "../../../contracts/interfaces/IMesiTypes.sol";
import { FeeMath } from "../../../contracts/libraries/FeeMath.sol";

import { VaultSetup } from "./VaultSetup.sol";

/// @notice Drives every money path of the vault over a few fans (with keys, for signed tips) and creators: tips
/// (direct, ERC-1363 transferAndCall/transferFromAndCall, signed, stablecoin, EIP-3009), relayer credits held and
/// cleared (single and batched, including attempts to reuse a reference), settlements, reversals, claims, sweeps, fee
/// withdrawals, plain transfers to the vault and excess sweeps, float funding and withdrawal, module collections and
/// escrow fund/payout (the handler holds RELAYER_ROLE and MODULE_ROLE), fee changes, blocks and time. Fans open their
/// own accounts and are tipped by other fans (any open account can be paid), and payments to an address with no
/// account or from a blocked fan are attempted on purpose and must be refused. It keeps ghosts of what each account
/// was credited and claimed and of every reference's credits.
/// @dev Bounded, so that depth holds by construction: every action picks arguments that must succeed (a fan–creator
/// pair that is not blocked, from a random start; amounts within balances and the float; a held credit before its hold
/// ends for a reversal, after it for a settlement) or, for the refusals, must fail. An action that finds nothing to act
/// on makes it first instead of doing nothing: the creator unblocks the fan when every pair is blocked, the whale funds
/// the float or tops a fan up, a reversal or settlement with no held credit to take makes one, a settlement waits for
/// the earliest hold to end (so later credits stay reversible), an escrow payout funds the escrow. The `calls`
/// counters and `idle` are asserted after each run (see the test).
contract VaultHandler is Test {
    MesiVault internal immutable vault;
    MesiToken internal immutable mesi;
    TestUSDC internal immutable usdc;
    address internal immutable admin;
    address internal immutable whale;

    uint256[] internal fanKeys;
    address[] internal fans;
    address[] internal creators;

    bytes32[] internal refs;
    bytes32[] internal heldRefs;
    uint256 internal refNonce;

    /// @notice Successful credits per payment reference (must never exceed 1).
    mapping(bytes32 paymentRef => uint256) public creditsOf;
    uint256 public maxCreditsPerRef;
    /// @notice Net (after fee) amounts that reached each creator's cleared earnings, and what they claimed.
    mapping(address creator => uint256) public ghostNetCleared;
    mapping(address creator => uint256) public ghostClaimed;
    /// @notice Fees taken overall and fees paid to the treasury.
    uint256 public ghostFees;
    uint256 public ghostFeesWithdrawn;
    /// @notice $MESI sent to the vault by plain transfer (owed to no one) and not yet swept; and what was swept.
    uint256 public ghostStranded;
    uint256 public ghostExcessSwept;
    /// @notice The fee rate in force when each held credit was made: its settlement takes it (issue 8, item 8).
    mapping(bytes32 paymentRef => uint256) public heldFeeBps;
    /// @notice Stablecoin received by the vault.
    uint256 public ghostStableIn;
    uint256 public ghostStableOut;
    uint256 public ghostEscrowed;
    mapping(address creator => uint256) public ghostPending;
    mapping(bytes4 selector => uint256) public calls;
    /// @notice Every open account (the creators from the start, then the fans that opened theirs), in opening order.
    address[] internal accounts;
    mapping(address account => bool) public opened;
    /// @notice Payments refused as they must be: to an address with no account, from a blocked fan.
    uint256 public refusedNoAccount;
    uint256 public refusedBlocked;
    /// @notice Payments that went through although they had to be refused (must stay 0).
    uint256 public wronglyAccepted;
    /// @notice Handler calls, and those that found nothing to act on.
    uint256 public totalCalls;
    uint256 public idle;

    modifier counted() {
        ++totalCalls;
        _;
    }

    constructor(MesiVault vault_, TestUSDC usdc_, address admin_, address whale_) {
        vault = vault_;
        mesi = MesiToken(vault_.mesi());
        usdc = usdc_;
        admin = admin_;
        whale = whale_;
        for (uint256 i = 1; i <= 3; ++i) {
            uint256 key = uint256(keccak256(abi.encode("fan", i)));
            fanKeys.push(key);
            fans.push(vm.addr(key));
            creators.push(makeAddr(string(abi.encodePacked("creator", vm.toString(i)))));
            accounts.push(creators[i - 1]);
            opened[creators[i - 1]] = true;
        }
    }

    // ───────────────────────────── views for the invariants ─────────────────────────────

    function creatorList() external view returns (address[] memory) {
        return creators;
    }

    function fanList() external view returns (address[] memory) {
        return fans;
    }

    function accountList() external view returns (address[] memory) {
        return accounts;
    }

    function heldCount() external view returns (uint256) {
        return heldRefs.length;
    }

    function settledCount() external view returns (uint256) {
        return calls[this.settle.selector];
    }

    function reversedCount() external view returns (uint256) {
        return calls[this.reverse.selector];
    }

    // ───────────────────────────── fan payments ─────────────────────────────

    function tip(uint256 fanSeed, uint256 creatorSeed, uint256 amount) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        amount = bound(amount, 1, mesi.balanceOf(fan));
        vm.startPrank(fan);
        mesi.approve(address(vault), amount);
        vault.tip(creator, amount, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.stopPrank();
        _credited(creator, amount);
        ++calls[this.tip.selector];
    }

    /// @notice A tip to an address that never opened an account (a typo): refused with Vault_NoAccount, nothing moves.
    function tipNoAccount(uint256 fanSeed, uint256 toSeed, uint256 amount) external counted {
        address fan = _fan(fanSeed);
        address to = address(uint160(uint256(keccak256(abi.encode("no account", toSeed)))));
        _topUp(fan);
        amount = bound(amount, 1, mesi.balanceOf(fan));
        vm.startPrank(fan);
        mesi.approve(address(vault), amount);
        try vault.tip(to, amount, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0)) {
            ++wronglyAccepted;
        } catch (bytes memory reason) {
            assertEq(reason, abi.encodeWithSelector(IMesiVault.Vault_NoAccount.selector, to));
            ++refusedNoAccount;
        }
        vm.stopPrank();
    }

    /// @notice A blocked fan pays a creator (the creator blocks the fan first if needed), by tip, relayer credit or
    /// module collection: refused with Vault_Blocked, nothing moves.
    function payWhileBlocked(uint256 fanSeed, uint256 creatorSeed, uint256 amount, uint8 how) external counted {
        (address fan, address creator) = (_fan(fanSeed), _creator(creatorSeed));
        bool blockedBefore = vault.isBlocked(creator, fan);
        if (!blockedBefore) {
            vm.prank(creator);
            vault.blockFan(fan);
        }
        amount = bound(amount, 1, 1e24);
        vm.prank(fan);
        mesi.approve(address(vault), amount);
        bool accepted;
        bytes memory reason;
        how = how % 3;
        if (how == 0) {
            vm.prank(fan);
            try vault.tip(creator, amount, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0)) {
                accepted = true;
            } catch (bytes memory r) {
                reason = r;
            }
        } else if (how == 1) {
            try vault.credit(_newCredit(fan, creator, amount, fanSeed % 2 == 0)) {
                accepted = true;
            } catch (bytes memory r) {
                reason = r;
            }
        } else {
            try vault.collectAndCredit(fan, creator, amount) {
                accepted = true;
            } catch (bytes memory r) {
                reason = r;
            }
        }
        if (accepted) {
            ++wronglyAccepted;
        } else {
            assertEq(reason, abi.encodeWithSelector(IMesiVault.Vault_Blocked.selector, creator, fan));
            ++refusedBlocked;
        }
        // The creator lifts a block made for this probe (toggleBlock keeps its own).
        if (!blockedBefore) {
            vm.prank(creator);
            vault.unblockFan(fan);
        }
    }

    /// @notice A fan opens their own account (idempotent), so that other fans can tip them.
    function openAccount(uint256 fanSeed) external counted {
        address fan = _fan(fanSeed);
        vm.prank(fan);
        vault.openAccount();
        if (!opened[fan]) {
            opened[fan] = true;
            accounts.push(fan);
        }
        ++calls[this.openAccount.selector];
    }

    /// @notice A fan tips another fan: paid if the recipient opened an account, refused (Vault_NoAccount) otherwise.
    /// A recipient who blocked the sender unblocks them first.
    function tipFan(uint256 fromSeed, uint256 toSeed, uint256 amount) external counted {
        (address from, address to) = (_fan(fromSeed), _fan(toSeed));
        if (from == to) to = fans[((toSeed % fans.length) + 1) % fans.length];
        _topUp(from);
        if (vault.isBlocked(to, from)) {
            vm.prank(to);
            vault.unblockFan(from);
        }
        amount = bound(amount, 1, mesi.balanceOf(from));
        vm.startPrank(from);
        mesi.approve(address(vault), amount);
        if (!opened[to]) {
            try vault.tip(to, amount, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0)) {
                ++wronglyAccepted;
            } catch (bytes memory reason) {
                assertEq(reason, abi.encodeWithSelector(IMesiVault.Vault_NoAccount.selector, to));
                ++refusedNoAccount;
            }
            vm.stopPrank();
            return;
        }
        vault.tip(to, amount, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.stopPrank();
        _credited(to, amount);
        ++calls[this.tipFan.selector];
    }

    /// @notice The wallet path: $MESI transferAndCall into the vault's ERC-1363 hook (no allowance), or
    /// transferFromAndCall by this handler as the fan's operator.
    function tipAndCall(uint256 fanSeed, uint256 creatorSeed, uint256 amount, bool viaOperator) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        amount = bound(amount, 1, mesi.balanceOf(fan));
        MesiTypes.TipChannel channel = MesiTypes.TipChannel(fanSeed % 4);
        bytes memory data = vault.encodeTipData(creator, channel, bytes32(creatorSeed), bytes32(amount));
        if (viaOperator) {
            vm.prank(fan);
            mesi.approve(address(this), amount);
            mesi.transferFromAndCall(fan, address(vault), amount, data);
        } else {
            vm.prank(fan);
            mesi.transferAndCall(address(vault), amount, data);
        }
        _credited(creator, amount);
        ++calls[this.tipAndCall.selector];
    }

    function tipBySig(uint256 fanSeed, uint256 creatorSeed, uint256 amount) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        uint256 i = _fanIndex(fan);
        amount = bound(amount, 1, mesi.balanceOf(fan));
        vm.prank(fan);
        mesi.approve(address(vault), amount);
        IMesiVault.TipAuthorization memory auth = IMesiVault.TipAuthorization(
            fan,
            creator,
            amount,
            MesiTypes.TipChannel.Stream,
            bytes32(fanSeed),
            bytes32(0),
            vault.nonces(fan),
            block.timestamp
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(fanKeys[i], vault.tipAuthorizationDigest(auth));
        IMesiVault.Permit memory noPermit;
        vault.tipBySig(auth, abi.encodePacked(r, s, v), noPermit);
        _credited(creator, amount);
        ++calls[this.tipBySig.selector];
    }

    function tipWithStablecoin(uint256 fanSeed, uint256 creatorSeed, uint256 stableAmount) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        uint256 maxStable = _ensureFloat(1e14) / 1e14; // USDC base unit = 1e14 MESI wei at the setup rate
        stableAmount = bound(stableAmount, 1, maxStable);
        uint256 mesiOut = stableAmount * 1e14;
        usdc.mint(fan, stableAmount);
        vm.startPrank(fan);
        usdc.approve(address(vault), stableAmount);
        vault.tipWithStablecoin(
            address(usdc),
            creator,
            stableAmount,
            mesiOut,
            MesiTypes.TipChannel.Profile,
            bytes32(0),
            bytes32(0)
        );
        vm.stopPrank();
        ghostStableIn += stableAmount;
        _credited(creator, mesiOut);
        ++calls[this.tipWithStablecoin.selector];
    }

    function tipWithStablecoinAuthorization(
        uint256 fanSeed,
        uint256 creatorSeed,
        uint256 stableAmount
    ) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        uint256 i = _fanIndex(fan);
        uint256 maxStable = _ensureFloat(1e14) / 1e14;
        stableAmount = bound(stableAmount, 1, maxStable);
        uint256 mesiOut = stableAmount * 1e14;
        usdc.mint(fan, stableAmount);
        IMesiVault.StablecoinTipAuthorization memory auth = IMesiVault.StablecoinTipAuthorization(
            fan,
            address(usdc),
            creator,
            stableAmount,
            mesiOut,
            MesiTypes.TipChannel.TipLink,
            bytes32(0),
            bytes32(0),
            0,
            block.timestamp + 1,
            bytes32(++refNonce)
        );
        bytes32 structHash = keccak256(
            abi.encode(
                usdc.RECEIVE_WITH_AUTHORIZATION_TYPEHASH(),
                fan,
                address(vault),
                stableAmount,
                0,
                block.timestamp + 1,
                vault.stablecoinTipNonce(auth)
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(fanKeys[i], _usdcDigest(structHash));
        vault.tipWithStablecoinAuthorization(auth, v, r, s);
        ghostStableIn += stableAmount;
        _credited(creator, mesiOut);
        ++calls[this.tipWithStablecoinAuthorization.selector];
    }

    // ───────────────────────────── relayer credits ─────────────────────────────

    function credit(uint256 fanSeed, uint256 creatorSeed, uint256 amount, bool fiat) external counted {
        _credit(fanSeed, creatorSeed, amount, fiat);
        ++calls[this.credit.selector];
    }

    function creditBatch(uint256 seed, uint8 count) external counted {
        count = uint8(bound(count, 1, 6));
        uint256 available = _ensureFloat(count);
        IMesiVault.Credit[] memory batch = new IMesiVault.Credit[](count);
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            (address fan, address creator) = _payer(r, r >> 8);
            batch[i] = _newCredit(fan, creator, bound(r >> 16, 1, available / count), (r >> 24) % 2 == 0);
        }
        vault.creditBatch(batch);
        for (uint256 i; i < count; ++i) {
            _recordCredit(batch[i]);
        }
        ++calls[this.creditBatch.selector];
    }

    /// @notice Tries to credit a reference already used (one is made first if none is) for a pair that may be paid:
    /// the vault must refuse it (Vault_PaymentRefUsed).
    function creditReusedRef(uint256 refSeed, uint256 amount) external counted {
        if (refs.length == 0) _credit(refSeed, refSeed >> 8, amount, refSeed % 2 == 0);
        bytes32 ref = refs[refSeed % refs.length];
        (address fan, address creator) = _payer(refSeed >> 16, refSeed >> 24);
        IMesiVault.Credit memory c = IMesiVault.Credit(
            ref,
            fan,
            creator,
            bound(amount, 1, 1e18),
            MesiTypes.PaymentSource.RelayerStablecoin,
            MesiTypes.TipChannel.Profile,
            bytes32(0)
        );
        _ensureFloat(c.amount);
        try vault.credit(c) {
            _recordCredit(c);
        } catch (bytes memory reason) {
            // Refused, as it must be: the ghost is unchanged.
            assertEq(reason, abi.encodeWithSelector(IMesiVault.Vault_PaymentRefUsed.selector, ref));
        }
        ++calls[this.creditReusedRef.selector];
    }

    /// @dev Settles a held credit whose hold is over (the first from a random start). When none is, time moves to the
    /// earliest end of a hold (only that credit clears: the later ones stay reversible); when no credit is held, one
    /// is made and its hold waited out.
    function settle(uint256 refSeed, uint256 wait) external counted {
        if (heldRefs.length == 0) _credit(refSeed, refSeed >> 8, wait, true);
        uint256 n = heldRefs.length;
        uint256 index = type(uint256).max;
        uint256 earliest;
        uint64 earliestEnd = type(uint64).max;
        for (uint256 k; k < n; ++k) {
            uint256 candidate = ((refSeed % n) + k) % n;
            (, , , , uint64 ends, ) = vault.creditOf(heldRefs[candidate]);
            if (block.timestamp >= ends) {
                index = candidate;
                break;
            }
            if (ends < earliestEnd) (earliest, earliestEnd) = (candidate, ends);
        }
        if (index == type(uint256).max) {
            index = earliest;
            vm.warp(earliestEnd);
        }
        bytes32 ref = heldRefs[index];
        (, address creator, , uint256 amount, , ) = vault.creditOf(ref);
        bytes32[] memory list = new bytes32[](1);
        list[0] = ref;
        uint256 feeBps = heldFeeBps[ref];
        vault.settleCredits(list);
        _removeHeld(index);
        ghostPending[creator] -= amount;
        _credited(creator, amount, feeBps);
        ++calls[this.settle.selector];
    }

    /// @dev Reverses (a chargeback) a held credit whose hold is not over, the first from a random start; when none is,
    /// a fiat credit is made and reversed.
    function reverse(uint256 refSeed, uint256 amount) external counted {
        uint256 index = type(uint256).max;
        for (uint256 k; k < heldRefs.length; ++k) {
            uint256 candidate = ((refSeed % heldRefs.length) + k) % heldRefs.length;
            (, , , , uint64 ends, ) = vault.creditOf(heldRefs[candidate]);
            if (block.timestamp < ends) {
                index = candidate;
                break;
            }
        }
        if (index == type(uint256).max) {
            _credit(refSeed, refSeed >> 8, amount, true);
            index = heldRefs.length - 1;
        }
        bytes32 ref = heldRefs[index];
        (, address creator, , uint256 held, , ) = vault.creditOf(ref);
        vault.reverseCredit(ref);
        _removeHeld(index);
        ghostPending[creator] -= held;
        ++calls[this.reverse.selector];
    }

    // ───────────────────────────── claims and fees ─────────────────────────────

    /// @notice Any open account (creator or fan) claims its cleared earnings.
    /// @dev The first account from a random start with cleared earnings; idle when none has any.
    function claim(uint256 accountSeed) external counted {
        address account;
        uint256 cleared;
        for (uint256 k; k < accounts.length && cleared == 0; ++k) {
            account = accounts[((accountSeed % accounts.length) + k) % accounts.length];
            (cleared, , ) = vault.earningsOf(account);
        }
        if (cleared == 0) return _idle();
        uint256 before = mesi.balanceOf(account);
        vm.prank(account);
        uint256 amount = vault.claim(account);
        assertEq(mesi.balanceOf(account) - before, amount, "the claim reached the account");
        ghostClaimed[account] += amount;
        ++calls[this.claim.selector];
    }

    function sweepFees() external counted {
        vault.sweepFees(accounts);
        ++calls[this.sweepFees.selector];
    }

    /// @dev A plain transfer to the vault: no payment path sees it.
    function strand(uint256 fanSeed, uint256 amount) external counted {
        address fan = _fan(fanSeed);
        amount = bound(amount, 1, 1e24);
        _topUp(fan, amount);
        // Ghosts first (the token is the real $MESI, no hook runs on a plain transfer).
        ghostStranded += amount;
        ++calls[this.strand.selector];
        vm.prank(fan);
        assertTrue(mesi.transfer(address(vault), amount));
    }

    /// @dev The admin sweeps the excess with the list of every open account (creators and fans, ascending).
    function sweepExcess() external counted {
        address[] memory sorted = new address[](accounts.length);
        for (uint256 i; i < sorted.length; ++i) sorted[i] = accounts[i];
        for (uint256 i = 1; i < sorted.length; ++i) {
            for (uint256 j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
                (sorted[j - 1], sorted[j]) = (sorted[j], sorted[j - 1]);
            }
        }
        vm.prank(admin);
        uint256 swept = vault.sweepExcess(sorted);
        assertEq(swept, ghostStranded, "swept exactly the stranded $MESI");
        ghostExcessSwept += swept;
        ghostStranded = 0;
        ++calls[this.sweepExcess.selector];
    }

    function withdrawFees() external counted {
        ghostFeesWithdrawn += vault.withdrawFees();
        ++calls[this.withdrawFees.selector];
    }

    function setFee(uint256 bps) external counted {
        vm.prank(admin);
        vault.setFeeBps(bound(bps, 0, 2000));
        ++calls[this.setFee.selector];
    }

    // ───────────────────────────── float ─────────────────────────────

    function fundFloat(uint256 amount) external counted {
        amount = bound(amount, 1, mesi.balanceOf(whale) / 4 + 1);
        vm.startPrank(whale);
        mesi.approve(address(vault), amount);
        vault.fundFloat(amount);
        vm.stopPrank();
        ++calls[this.fundFloat.selector];
    }

    function withdrawFloat(uint256 amount) external counted {
        uint256 available = _ensureFloat(1);
        vm.prank(admin);
        vault.withdrawFloat(whale, bound(amount, 1, available));
        ++calls[this.withdrawFloat.selector];
    }

    /// @dev Withdraws from the stablecoin reserve; idle while nothing was ever paid in stablecoin.
    function withdrawStablecoin(uint256 amount) external counted {
        uint256 reserve = usdc.balanceOf(address(vault));
        if (reserve == 0) return _idle();
        amount = bound(amount, 1, reserve);
        vm.prank(admin);
        vault.withdrawStablecoin(address(usdc), admin, amount);
        ghostStableOut += amount;
        ++calls[this.withdrawStablecoin.selector];
    }

    // ───────────────────────────── modules ─────────────────────────────

    function collect(uint256 fanSeed, uint256 creatorSeed, uint256 amount) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        amount = bound(amount, 1, mesi.balanceOf(fan));
        vm.prank(fan);
        mesi.approve(address(vault), amount);
        vault.collectAndCredit(fan, creator, amount);
        _credited(creator, amount);
        ++calls[this.collect.selector];
    }

    function collectStablecoin(uint256 fanSeed, uint256 creatorSeed, uint256 stableAmount) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        uint256 maxStable = _ensureFloat(1e14) / 1e14;
        stableAmount = bound(stableAmount, 1, maxStable);
        usdc.mint(fan, stableAmount);
        vm.prank(fan);
        usdc.approve(address(vault), stableAmount);
        (uint256 mesiAmount, ) = vault.collectStablecoinAndCredit(fan, address(usdc), stableAmount, 0, creator);
        ghostStableIn += stableAmount;
        _credited(creator, mesiAmount);
        ++calls[this.collectStablecoin.selector];
    }

    function creditFromFloat(uint256 fanSeed, uint256 creatorSeed, uint256 amount, bool fiat) external counted {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        uint256 available = _ensureFloat(1);
        IMesiVault.Credit memory c = _newCredit(fan, creator, bound(amount, 1, available), fiat);
        vault.creditFromFloat(c.paymentRef, c.fan, c.creator, c.amount, c.source);
        _recordCredit(c);
        ++calls[this.creditFromFloat.selector];
    }

    function fundEscrow(uint256 fanSeed, uint256 creatorSeed, uint256 amount) external counted {
        _fundEscrow(fanSeed, creatorSeed, amount);
        ++calls[this.fundEscrow.selector];
    }

    /// @dev Pays out any part of the escrow with any split; an empty escrow is funded first.
    function payOutEscrow(uint256 fanSeed, uint256 creatorSeed, uint256 total, uint256 creatorShare) external counted {
        if (vault.escrowed() == 0) _fundEscrow(fanSeed, creatorSeed, total);
        uint256 escrowed = vault.escrowed();
        total = bound(total, 1, escrowed);
        uint256 creatorAmount = bound(creatorShare, 0, total);
        (address fan, address creator) = (_fan(fanSeed), _creator(creatorSeed));
        vault.payOutEscrow(creator, creatorAmount, fan, total - creatorAmount);
        ghostEscrowed -= total;
        if (creatorAmount != 0) _credited(creator, creatorAmount);
        ++calls[this.payOutEscrow.selector];
    }

    // ───────────────────────────── blocks and time ─────────────────────────────

    function toggleBlock(uint256 fanSeed, uint256 creatorSeed) external counted {
        (address fan, address creator) = (_fan(fanSeed), _creator(creatorSeed));
        bool blocked = vault.isBlocked(creator, fan);
        vm.prank(creator);
        if (blocked) vault.unblockFan(fan);
        else vault.blockFan(fan);
        ++calls[this.toggleBlock.selector];
    }

    /// @dev Short steps (the hold is 7 days), so that held credits are reversed as well as settled.
    function warp(uint256 seconds_) external counted {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
        ++calls[this.warp.selector];
    }

    /// @dev As the module of its credits from the float, the handler is called back when one is reversed; it
    /// delivered nothing, so it takes nothing back.
    function onCreditReversed(bytes32 paymentRef) external view {
        assertEq(msg.sender, address(vault));
        assertTrue(paymentRef != bytes32(0));
    }

    // ───────────────────────────── helpers ─────────────────────────────

    /// @dev A fan–creator pair that may be paid now, the first not blocked from the seeds' pair on (the creator of the
    /// seeds' pair unblocks the fan when all are blocked), the fan holding some $MESI.
    function _payer(uint256 fanSeed, uint256 creatorSeed) internal returns (address fan, address creator) {
        uint256 n = fans.length * creators.length;
        uint256 start = (fanSeed % fans.length) * creators.length + (creatorSeed % creators.length);
        for (uint256 k; k < n; ++k) {
            uint256 pair = (start + k) % n;
            (fan, creator) = (fans[pair / creators.length], creators[pair % creators.length]);
            if (!vault.isBlocked(creator, fan)) {
                _topUp(fan);
                return (fan, creator);
            }
        }
        (fan, creator) = (_fan(fanSeed), _creator(creatorSeed));
        vm.prank(creator);
        vault.unblockFan(fan);
        _topUp(fan);
    }

    /// @dev A held (fiat) or cleared relayer credit from the float for a pair that may be paid.
    function _credit(uint256 fanSeed, uint256 creatorSeed, uint256 amount, bool fiat) internal {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        amount = bound(amount, 1, _ensureFloat(1));
        IMesiVault.Credit memory c = _newCredit(fan, creator, amount, fiat);
        vault.credit(c);
        _recordCredit(c);
    }

    function _fundEscrow(uint256 fanSeed, uint256 creatorSeed, uint256 amount) internal {
        (address fan, address creator) = _payer(fanSeed, creatorSeed);
        // Escrowed is at most 2^96 - 1 (Vault_EscrowFull beyond); the fans together hold less than that.
        uint256 room = type(uint96).max - vault.escrowed();
        uint256 balance = mesi.balanceOf(fan);
        amount = bound(amount, 1, balance < room ? balance : room);
        vm.prank(fan);
        mesi.approve(address(vault), amount);
        vault.fundEscrow(fan, creator, amount);
        ghostEscrowed += amount;
    }

    /// @dev The float, funded by the whale first when it holds less than `needed`.
    function _ensureFloat(uint256 needed) internal returns (uint256 available) {
        available = vault.floatBalance();
        if (available >= needed) return available;
        uint256 amount = mesi.balanceOf(whale) / 4 + needed;
        vm.startPrank(whale);
        mesi.approve(address(vault), amount);
        vault.fundFloat(amount);
        vm.stopPrank();
        return vault.floatBalance();
    }

    /// @dev The whale tops `fan` up when they hold less than `needed` (at least one unit).
    function _topUp(address fan, uint256 needed) internal {
        uint256 balance = mesi.balanceOf(fan);
        if (balance >= needed && balance != 0) return;
        vm.prank(whale);
        assertTrue(mesi.transfer(fan, needed - balance + 1_000_000e18));
    }

    function _topUp(address fan) internal {
        _topUp(fan, 1);
    }

    function _fanIndex(address fan) internal view returns (uint256 i) {
        while (fans[i] != fan) ++i;
    }

    function _newCredit(
        address fan,
        address creator,
        uint256 amount,
        bool fiat
    ) internal returns (IMesiVault.Credit memory) {
        return
            IMesiVault.Credit(
                keccak256(abi.encode("ref", ++refNonce)),
                fan,
                creator,
                amount,
                fiat ? MesiTypes.PaymentSource.Fiat : MesiTypes.PaymentSource.RelayerStablecoin,
                MesiTypes.TipChannel.Stream,
                bytes32(0)
            );
    }

    function _recordCredit(IMesiVault.Credit memory c) internal {
        uint256 count = ++creditsOf[c.paymentRef];
        if (count > maxCreditsPerRef) maxCreditsPerRef = count;
        refs.push(c.paymentRef);
        if (c.source == MesiTypes.PaymentSource.Fiat) {
            heldRefs.push(c.paymentRef);
            heldFeeBps[c.paymentRef] = vault.feeBps();
            ghostPending[c.creator] += c.amount;
        } else {
            _credited(c.creator, c.amount);
        }
    }

    function _credited(address creator, uint256 gross) internal {
        _credited(creator, gross, vault.feeBps());
    }

    function _credited(address creator, uint256 gross, uint256 feeBps) internal {
        (uint256 fee, uint256 net) = FeeMath.split(gross, feeBps);
        ghostNetCleared[creator] += net;
        ghostFees += fee;
    }

    function _idle() internal {
        ++idle;
    }

    function _removeHeld(uint256 index) internal {
        heldRefs[index] = heldRefs[heldRefs.length - 1];
        heldRefs.pop();
    }

    function _fan(uint256 seed) internal view returns (address) {
        return fans[seed % fans.length];
    }

    function _creator(uint256 seed) internal view returns (address) {
        return creators[seed % creators.length];
    }

    function _usdcDigest(bytes32 structHash) internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract, , ) = usdc
            .eip712Domain();
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifyingContract
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }
}

contract MesiVaultInvariantTest is StdInvariant, VaultSetup {
    /// @dev Written by afterInvariant, read by scripts/test-contracts.ts (hardhat.config.ts allows this one file).
    string internal constant INVARIANT_DEPTH_LOG = "cache/invariant-depth.log";
    /// @dev What every run of 500 calls (over 37 handler functions, so about 13 calls each) must reach. No handler
    /// idles for want of a pair, a held credit, float or escrow (it makes them), so each count is about its
    /// handler's share of the calls, and the floors sit well below the least a run reached over several fuzz seeds
    /// (least/median in test/contracts/invariant/README.md).
    uint256 internal constant MIN_TIPS = 20;
    uint256 internal constant MIN_FAN_TIPS = 3;
    uint256 internal constant MIN_HELD_RESOLVED = 10;
    uint256 internal constant MIN_SETTLED = 3;
    uint256 internal constant MIN_REVERSED = 3;
    uint256 internal constant MIN_CLAIMS = 3;
    uint256 internal constant MIN_ESCROW_PAYOUTS = 3;
    uint256 internal constant MIN_EXCESS_SWEEPS = 3;
    uint256 internal constant MIN_REFUSED_BLOCKED = 3;
    uint256 internal constant MIN_REFUSED_NO_ACCOUNT = 5;
    /// @dev Only a claim with no cleared earnings anywhere and a stablecoin withdrawal before any stablecoin came in
    /// can idle.
    uint256 internal constant MAX_IDLE_PERCENT = 5;

    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new VaultHandler(vault, usdc, admin, whale);
        vm.startPrank(admin);
        vault.grantRole(vault.RELAYER_ROLE(), address(handler));
        vault.grantRole(vault.MODULE_ROLE(), address(handler));
        vault.setEscrowModule(address(handler));
        vm.stopPrank();
        address[] memory creators = handler.creatorList();
        for (uint256 i; i < creators.length; ++i) {
            _openAccount(creators[i]);
        }
        address[] memory fans = handler.fanList();
        vm.startPrank(whale);
        for (uint256 i; i < fans.length; ++i) {
            mesi.transfer(fans[i], 10_000_000_000e18);
        }
        vm.stopPrank();
        targetContract(address(handler));
    }

    /// @notice Every $MESI unit the vault holds is accounted for by exactly one ledger entry, over every open account
    /// (creators and the fans who opened theirs): the README's identity, exactly.
    /// @dev Run with fail-on-revert: the handler only makes calls that must succeed, so a revert is a bug in the
    /// vault or the handler (and proves the handler is not silently doing nothing).
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_Conservation() public view {
        assertEq(
            mesi.balanceOf(address(vault)),
            _ledger(handler.accountList()) + handler.ghostStranded(),
            "MESI held == ledger + stranded (not yet swept)"
        );
    }

    /// @notice The vault never credits a payment reference twice, and refuses every payment it must: to an address
    /// with no open account, from a blocked fan. Its open accounts are exactly those opened.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_ReferenceCreditedAtMostOnce() public view {
        assertLe(handler.maxCreditsPerRef(), 1);
        assertEq(handler.wronglyAccepted(), 0, "a payment that had to be refused went through");
        address[] memory accounts = handler.accountList();
        assertEq(vault.accountCount(), accounts.length, "open accounts");
        address[] memory fans = handler.fanList();
        for (uint256 i; i < fans.length; ++i) {
            assertEq(vault.isLedgerOpen(fans[i]), handler.opened(fans[i]), "a fan's account is open iff opened");
        }
    }

    /// @notice No account ever claims more than the net amount credited to it; claimed + claimable == credited.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_ClaimsWithinEarnings() public view {
        address[] memory accounts = handler.accountList();
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            (uint256 cleared, uint256 pending, ) = vault.earningsOf(account);
            assertLe(handler.ghostClaimed(account), handler.ghostNetCleared(account), "claimed <= earned");
            assertEq(handler.ghostClaimed(account) + cleared, handler.ghostNetCleared(account), "exact");
            assertEq(pending, handler.ghostPending(account), "pending == held credits");
        }
        // Creators receive $MESI only by claiming.
        address[] memory creators = handler.creatorList();
        for (uint256 i; i < creators.length; ++i) {
            assertEq(mesi.balanceOf(creators[i]), handler.ghostClaimed(creators[i]), "claims reached the creator");
        }
    }

    /// @notice Every fee taken is owed, pooled or withdrawn to the treasury.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_FeesAccounted() public view {
        address[] memory accounts = handler.accountList();
        uint256 owed;
        for (uint256 i; i < accounts.length; ++i) {
            (, , uint256 feesOwed) = vault.earningsOf(accounts[i]);
            owed += feesOwed;
        }
        assertEq(owed + vault.feePool() + handler.ghostFeesWithdrawn(), handler.ghostFees());
        assertEq(mesi.balanceOf(treasury), handler.ghostFeesWithdrawn() + handler.ghostExcessSwept());
    }

    /// @notice Escrow and stablecoin reserves match what went in and out.
    /// forge-config: default.invariant.runs = 4
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_EscrowAndReserves() public view {
        assertEq(vault.escrowed(), handler.ghostEscrowed());
        assertEq(usdc.balanceOf(address(vault)), handler.ghostStableIn() - handler.ghostStableOut());
    }

    /// @dev After every run: the run reached each state the invariants speak about, often enough to mean something,
    /// and nearly every call did something (fail-on-revert: no call reverted). The counts are in every message and in cache/invariant-depth.log.
    function afterInvariant() public {
        VaultHandler h = handler;
        string memory counts = _reachedCounts();
        vm.writeLine(INVARIANT_DEPTH_LOG, counts);
        uint256 tips = h.calls(h.tip.selector) + h.calls(h.tipAndCall.selector) + h.calls(h.tipBySig.selector);
        assertGe(tips, MIN_TIPS, counts);
        assertGe(h.calls(h.tipFan.selector), MIN_FAN_TIPS, counts);
        assertGe(h.settledCount() + h.reversedCount(), MIN_HELD_RESOLVED, counts);
        assertGe(h.settledCount(), MIN_SETTLED, counts);
        assertGe(h.reversedCount(), MIN_REVERSED, counts);
        assertGe(h.calls(h.claim.selector), MIN_CLAIMS, counts);
        assertGe(h.calls(h.payOutEscrow.selector), MIN_ESCROW_PAYOUTS, counts);
        assertGe(h.calls(h.sweepExcess.selector), MIN_EXCESS_SWEEPS, counts);
        assertGe(h.refusedBlocked(), MIN_REFUSED_BLOCKED, counts);
        assertGe(h.refusedNoAccount(), MIN_REFUSED_NO_ACCOUNT, counts);
        assertLe(h.idle() * 100, h.totalCalls() * MAX_IDLE_PERCENT, counts);
    }

    function _reachedCounts() internal view returns (string memory out) {
        VaultHandler h = handler;
        out = string.concat("MesiVault run: calls ", vm.toString(h.totalCalls()), ", idle ", vm.toString(h.idle()));
        out = string.concat(out, ", tips ", vm.toString(h.calls(h.tip.selector)));
        out = string.concat(out, ", tipAndCall ", vm.toString(h.calls(h.tipAndCall.selector)));
        out = string.concat(out, ", tipBySig ", vm.toString(h.calls(h.tipBySig.selector)));
        out = string.concat(out, ", fan tips ", vm.toString(h.calls(h.tipFan.selector)));
        out = string.concat(out, ", stablecoin tips ", vm.toString(h.calls(h.tipWithStablecoin.selector)));
        out = string.concat(out, ", credits ", vm.toString(h.calls(h.credit.selector)));
        out = string.concat(out, ", batches ", vm.toString(h.calls(h.creditBatch.selector)));
        out = string.concat(out, ", settled ", vm.toString(h.settledCount()));
        out = string.concat(out, ", reversed ", vm.toString(h.reversedCount()));
        out = string.concat(out, ", claims ", vm.toString(h.calls(h.claim.selector)));
        out = string.concat(out, ", escrow payouts ", vm.toString(h.calls(h.payOutEscrow.selector)));
        out = string.concat(out, ", excess sweeps ", vm.toString(h.calls(h.sweepExcess.selector)));
        out = string.concat(out, ", refused blocked ", vm.toString(h.refusedBlocked()));
        out = string.concat(out, ", refused no account ", vm.toString(h.refusedNoAccount()));
        out = string.concat(out, ", reused refs refused ", vm.toString(h.calls(h.creditReusedRef.selector)));
    }
}
