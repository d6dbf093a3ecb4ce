// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { IAccessControl } from "@openzeppelin/contracts/access/IAccessControl.sol";

import { IMesiVault } from "../../../contracts/interfaces/IMesiVault.sol";
import { MesiTypes } from "../../../contracts/interfaces/IMesiTypes.sol";

import { MesiVault } from "../../../contracts/MesiVault.sol";
import { FeeOnTransferToken } from "../fixtures/FeeOnTransferToken.sol";
import { VaultSetup } from "./VaultSetup.sol";

/// @notice Unit and fuzz tests of the vault's arithmetic: tips of any size up to the supply, fee rounding,
/// stablecoin conversion and relayer credits.
contract MesiVaultTest is VaultSetup {
    address internal creator = makeAddr("creator");
    address internal fan = makeAddr("fan");

    function setUp() public override {
        super.setUp();
        _openAccount(creator);
    }

    function _tipFromWhale(uint256 amount) internal {
        vm.startPrank(whale);
        mesi.approve(address(vault), amount);
        vault.tip(creator, amount, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.stopPrank();
    }

    function _creators() internal view returns (address[] memory list) {
        list = new address[](1);
        list[0] = creator;
    }

    function test_Tip_CreditsNetAndFee() public {
        _tipFromWhale(100e18);
        (uint256 cleared, uint256 pending, uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared, 90e18);
        assertEq(pending, 0);
        assertEq(feesOwed, 10e18);
    }

    function test_RevertWhen_TipAmountZero() public {
        vm.expectRevert(IMesiVault.Vault_AmountZero.selector);
        vm.prank(whale);
        vault.tip(creator, 0, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
    }

    /// @notice Tips have no upper limit: any amount up to everything the whale holds (≈ the whole supply) works,
    /// the fee is floor(amount * feeBps / 1e4), and the creator can claim the rest.
    function testFuzz_Tip_AnyAmountUpToSupply(uint256 amount, uint16 feeBps) public {
        amount = bound(amount, 1, mesi.balanceOf(whale));
        feeBps = uint16(bound(feeBps, 0, vault.MAX_FEE_BPS()));
        vm.prank(admin);
        vault.setFeeBps(feeBps);
        _tipFromWhale(amount);
        uint256 fee = (amount * feeBps) / 10_000;
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(feesOwed, fee);
        assertEq(cleared, amount - fee);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
        vm.prank(creator);
        assertEq(vault.claim(creator), amount - fee);
        assertEq(mesi.balanceOf(creator), amount - fee);
        assertEq(vault.feePool(), fee);
    }

    /// @notice Two tips add up exactly, even at the top of the range.
    function testFuzz_Tip_Accumulates(uint256 a, uint256 b) public {
        uint256 available = mesi.balanceOf(whale);
        a = bound(a, 1, available - 1);
        b = bound(b, 1, available - a);
        _tipFromWhale(a);
        _tipFromWhale(b);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, a + b);
        assertEq(feesOwed, a / 10 + b / 10);
    }

    /// @notice A stablecoin tip takes exactly the converter's (rounded-down) quote from the float.
    function testFuzz_TipWithStablecoin_UsesQuote(uint256 stableAmount, uint256 rate) public {
        rate = bound(rate, 1, 1e34);
        vm.prank(admin);
        converter.setMaxRateChangeBps(10_000);
        vm.prank(admin);
        converter.delist(address(usdc));
        vm.startPrank(admin);
        converter.scheduleListing(address(usdc), rate);
        converter.setRate(address(usdc), rate);
        vm.stopPrank();
        stableAmount = bound(stableAmount, 1, 1e18);
        uint256 quoted = (stableAmount * rate) / 1e18;
        usdc.mint(fan, stableAmount);
        vm.startPrank(fan);
        usdc.approve(address(vault), stableAmount);
        if (quoted == 0) {
            vm.expectRevert(IMesiVault.Vault_AmountZero.selector);
        } else if (quoted > FLOAT) {
            vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_FloatInsufficient.selector, quoted, FLOAT));
        }
        vault.tipWithStablecoin(
            address(usdc),
            creator,
            stableAmount,
            0,
            MesiTypes.TipChannel.Profile,
            bytes32(0),
            bytes32(0)
        );
        vm.stopPrank();
        if (quoted == 0 || quoted > FLOAT) return;
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, quoted);
        assertEq(feesOwed, quoted / 10);
        assertEq(vault.floatBalance(), FLOAT - quoted);
        assertEq(usdc.balanceOf(address(vault)), stableAmount);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
    }

    /// @notice A held fiat credit moves to cleared at settlement with the fee, or back to the float on reversal.
    function testFuzz_Credit_SettleOrReverse(uint96 amount, bool reverse, uint32 holdPeriod) public {
        uint256 gross = bound(amount, 1, FLOAT);
        uint256 hold = bound(holdPeriod, 1, vault.MAX_HOLD_PERIOD());
        vm.prank(admin);
        vault.setHoldPeriod(hold);
        bytes32 ref = keccak256(abi.encode(amount, reverse));
        vm.prank(relayer);
        vault.credit(
            IMesiVault.Credit(
                ref,
                fan,
                creator,
                gross,
                MesiTypes.PaymentSource.Fiat,
                MesiTypes.TipChannel.Profile,
                bytes32(0)
            )
        );
        (, uint256 pending, ) = vault.earningsOf(creator);
        assertEq(pending, gross);
        bytes32[] memory refs = new bytes32[](1);
        refs[0] = ref;
        if (reverse) {
            vm.warp(block.timestamp + hold - 1);
            vm.prank(relayer);
            vault.reverseCredit(ref);
            assertEq(vault.floatBalance(), FLOAT);
            (uint256 cleared, uint256 pendingAfter, uint256 fees) = vault.earningsOf(creator);
            assertEq(cleared + pendingAfter + fees, 0);
        } else {
            vm.warp(block.timestamp + hold);
            vault.settleCredits(refs);
            (uint256 cleared, uint256 pendingAfter, uint256 fees) = vault.earningsOf(creator);
            assertEq(pendingAfter, 0);
            assertEq(fees, gross / 10);
            assertEq(cleared, gross - gross / 10);
            assertEq(vault.floatBalance(), FLOAT - gross);
        }
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
    }

    /// @notice A batch costs the float exactly its total, whatever the mix of sources.
    function testFuzz_CreditBatch_DebitsTotal(uint8 count, uint256 seed) public {
        count = uint8(bound(count, 1, 20));
        IMesiVault.Credit[] memory batch = new IMesiVault.Credit[](count);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, i))), 1, FLOAT / 20);
            bool fiat = uint256(keccak256(abi.encode(seed, i, "src"))) % 2 == 0;
            batch[i] = IMesiVault.Credit(
                keccak256(abi.encode(seed, i, "ref")),
                fan,
                creator,
                amount,
                fiat ? MesiTypes.PaymentSource.Fiat : MesiTypes.PaymentSource.RelayerStablecoin,
                MesiTypes.TipChannel.Stream,
                bytes32(seed)
            );
            total += amount;
        }
        vm.prank(relayer);
        vault.creditBatch(batch);
        assertEq(vault.floatBalance(), FLOAT - total);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
    }

    /// @notice A transferAndCall tip of any amount up to the whale's balance books exactly as {tip} would, with no
    /// allowance, and the vault's balance stays equal to its ledger.
    function testFuzz_TipAndCall_AnyAmountUpToSupply(uint256 amount, uint8 channel, bytes32 memoHash) public {
        amount = bound(amount, 1, mesi.balanceOf(whale));
        MesiTypes.TipChannel tipChannel = MesiTypes.TipChannel(bound(channel, 0, 3));
        bytes memory data = vault.encodeTipData(creator, tipChannel, bytes32(0), memoHash);
        assertEq(data, abi.encode(creator, uint8(tipChannel), bytes32(0), memoHash));
        uint256 fee = amount / 10;
        vm.expectEmit(address(vault));
        emit IMesiVault.Tipped(creator, whale, amount, fee, tipChannel, bytes32(0), memoHash);
        vm.prank(whale);
        mesi.transferAndCall(address(vault), amount, data);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared, amount - fee);
        assertEq(feesOwed, fee);
        assertEq(mesi.allowance(whale, address(vault)), 0);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
    }

    /// @notice Data of any other length is refused with its length, and the transfer with it.
    function testFuzz_RevertWhen_TipDataLengthWrong(bytes calldata data) public {
        vm.assume(data.length != 128);
        uint256 vaultBalance = mesi.balanceOf(address(vault));
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_InvalidTipData.selector, data.length));
        vm.prank(whale);
        mesi.transferAndCall(address(vault), 1e18, data);
        assertEq(mesi.balanceOf(address(vault)), vaultBalance);
    }

    /// @notice 128 bytes whose address word has high bits set or whose channel does not exist are refused.
    function testFuzz_RevertWhen_TipDataWordsOutOfRange(uint256 creatorWord, uint256 channelWord) public {
        vm.assume(creatorWord > type(uint160).max || channelWord > 3);
        bytes memory data = abi.encode(creatorWord, channelWord, bytes32(0), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_InvalidTipData.selector, 128));
        vm.prank(whale);
        mesi.transferAndCall(address(vault), 1e18, data);
    }

    /// @notice Only the vault's own token may call the hook.
    function testFuzz_RevertWhen_HookCalledByOther(address caller) public {
        vm.assume(caller != address(mesi));
        bytes memory data = vault.encodeTipData(creator, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_NotMesi.selector, caller));
        vm.prank(caller);
        vault.onTransferReceived(caller, fan, 1e18, data);
    }

    /// @notice The number of fans a creator blocks shares the creator's earnings word: tips of any size up to the
    /// supply, a claim and a fee sweep leave it alone, blocked fans stay blocked through all of them, and the
    /// earnings read back exactly.
    function testFuzz_BlockCount_SharesTheEarningsWord(uint256 amount, uint8 blockCount) public {
        amount = bound(amount, 1, mesi.balanceOf(whale) - 1e18);
        uint256 n = bound(blockCount, 1, 12);
        address[] memory blocked = new address[](n);
        vm.startPrank(creator);
        for (uint256 i; i < n; ++i) {
            blocked[i] = makeAddr(string.concat("blocked fan ", vm.toString(i)));
            vault.blockFan(blocked[i]);
        }
        vm.stopPrank();
        vm.prank(whale);
        mesi.transfer(blocked[0], 1e18);

        _tipFromWhale(amount);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared, amount - amount / 10);
        assertEq(feesOwed, amount / 10);
        vault.sweepFees(_creators());
        vm.prank(creator);
        assertEq(vault.claim(creator), amount - amount / 10);
        (cleared, , feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, 0);

        // Still blocked after the claim: the count survived it.
        vm.startPrank(blocked[0]);
        mesi.approve(address(vault), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_Blocked.selector, creator, blocked[0]));
        vault.tip(creator, 1e18, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.stopPrank();

        vm.startPrank(creator);
        for (uint256 i; i < n; ++i) vault.unblockFan(blocked[i]);
        vm.stopPrank();
        vm.prank(blocked[0]);
        vault.tip(creator, 1e18, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        (cleared, , feesOwed) = vault.earningsOf(creator);
        assertEq(cleared, 0.9e18);
        assertEq(feesOwed, 0.1e18);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
    }

    /// @notice A creator whose count is at its maximum (2^28 - 1, set directly: unreachable by gas) cannot block one
    /// more fan, and the count never spills into the fees owed.
    function test_RevertWhen_BlockCountAtMaximum() public {
        _tipFromWhale(100e18);
        vm.record();
        vault.earningsOf(creator);
        (bytes32[] memory reads, ) = vm.accesses(address(vault));
        bytes32 earningsSlot = reads[0];
        uint256 word = uint256(vm.load(address(vault), earningsSlot));
        vm.store(address(vault), earningsSlot, bytes32(word | (((1 << 28) - 1) << 100)));
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_TooManyBlocks.selector, creator));
        vm.prank(creator);
        vault.blockFan(fan);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared, 90e18);
        assertEq(feesOwed, 10e18);
    }

    // ───────────────────────────── accounts (issue 8, item 5) ─────────────────────────────

    /// @notice An address that never opened a Mesi account (a typo, a contract that cannot claim) is refused by every
    /// way of paying it, and nothing moves.
    function testFuzz_RevertWhen_PaidAddressHasNoAccount(address to) public {
        vm.assume(to != address(0) && to != address(vault) && to != whale && to != creator && to != fan);
        uint256 vaultBalance = mesi.balanceOf(address(vault));
        bytes memory noAccount = abi.encodeWithSelector(IMesiVault.Vault_NoAccount.selector, to);

        bytes memory tipData = vault.encodeTipData(to, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.startPrank(whale);
        mesi.approve(address(vault), 1e18);
        vm.expectRevert(noAccount);
        vault.tip(to, 1e18, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.expectRevert(noAccount);
        mesi.transferAndCall(address(vault), 1e18, tipData);
        vm.stopPrank();

        usdc.mint(fan, 1e6);
        vm.startPrank(fan);
        usdc.approve(address(vault), 1e6);
        vm.expectRevert(noAccount);
        vault.tipWithStablecoin(address(usdc), to, 1e6, 0, MesiTypes.TipChannel.Profile, bytes32(0), bytes32(0));
        vm.stopPrank();

        vm.expectRevert(noAccount);
        vm.prank(relayer);
        vault.credit(
            IMesiVault.Credit(
                keccak256("no account"),
                fan,
                to,
                1e18,
                MesiTypes.PaymentSource.Fiat,
                MesiTypes.TipChannel.Profile,
                bytes32(0)
            )
        );
        assertEq(mesi.balanceOf(address(vault)), vaultBalance);
        assertFalse(vault.isLedgerOpen(to));
    }

    /// @notice Any user (here a fan) opens their own account, once, and can then be tipped and claim.
    function test_OpenAccount_LetsAFanReceiveAndClaimTips() public {
        assertFalse(vault.isLedgerOpen(fan));
        vm.expectEmit(address(vault));
        emit IMesiVault.AccountOpened(fan);
        vm.prank(fan);
        vault.openAccount();
        assertTrue(vault.isLedgerOpen(fan));

        // Opening again changes nothing and emits nothing.
        vm.recordLogs();
        vm.prank(fan);
        vault.openAccount();
        assertEq(vm.getRecordedLogs().length, 0);
        assertTrue(vault.isLedgerOpen(fan));

        vm.startPrank(whale);
        mesi.approve(address(vault), 10e18);
        vault.tip(fan, 10e18, MesiTypes.TipChannel.Messenger, bytes32(0), bytes32(0));
        vm.stopPrank();
        vm.prank(fan);
        assertEq(vault.claim(fan), 9e18);
        assertEq(mesi.balanceOf(fan), 9e18);
        assertTrue(vault.isLedgerOpen(fan));
    }

    // ───────────────────────────── stablecoins credited by receipt (issue 8, item 2) ─────────────────────────────

    /// @notice A stablecoin that takes a fee on transfer: the vault credits the quote of what arrived, never of what
    /// was asked for, so the float pays exactly for the stablecoin the vault holds.
    function testFuzz_TipWithStablecoin_CreditsWhatArrived(uint256 stableAmount, uint256 tokenFeeBps) public {
        tokenFeeBps = bound(tokenFeeBps, 1, 5000);
        stableAmount = bound(stableAmount, 10_000, 1e12);
        FeeOnTransferToken feeUsd = new FeeOnTransferToken(tokenFeeBps);
        vm.startPrank(admin);
        converter.scheduleListing(address(feeUsd), USDC_RATE);
        converter.setRate(address(feeUsd), USDC_RATE);
        vm.stopPrank();
        feeUsd.mint(fan, stableAmount);
        uint256 received = stableAmount - (stableAmount * tokenFeeBps) / 10_000;
        uint256 quoted = converter.quote(address(feeUsd), received);

        vm.startPrank(fan);
        feeUsd.approve(address(vault), stableAmount);
        vm.expectEmit(address(vault));
        emit IMesiVault.StablecoinTipped(
            creator,
            fan,
            address(feeUsd),
            received,
            quoted,
            quoted / 10,
            MesiTypes.TipChannel.Profile,
            bytes32(0),
            bytes32(0)
        );
        vault.tipWithStablecoin(address(feeUsd), creator, stableAmount, 0, MesiTypes.TipChannel.Profile, 0, 0);
        vm.stopPrank();

        assertEq(feeUsd.balanceOf(address(vault)), received);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(cleared + feesOwed, quoted, "credited the quote of what arrived");
        assertEq(vault.floatBalance(), FLOAT - quoted);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()));
    }

    /// @notice The fan's minimum output is checked against what arrived.
    function test_RevertWhen_FeeOnTransferShortfallBelowMinimum() public {
        FeeOnTransferToken feeUsd = new FeeOnTransferToken(100);
        vm.startPrank(admin);
        converter.scheduleListing(address(feeUsd), USDC_RATE);
        converter.setRate(address(feeUsd), USDC_RATE);
        vm.stopPrank();
        feeUsd.mint(fan, 100e6);
        uint256 full = converter.quote(address(feeUsd), 100e6);
        vm.startPrank(fan);
        feeUsd.approve(address(vault), 100e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMesiVault.Vault_SlippageExceeded.selector,
                converter.quote(address(feeUsd), 99e6),
                full
            )
        );
        vault.tipWithStablecoin(address(feeUsd), creator, 100e6, full, MesiTypes.TipChannel.Profile, 0, 0);
        vm.stopPrank();
    }

    // ───────────────────────────── stranded $MESI (issue 8, item 6) ─────────────────────────────

    function _openAccounts() internal view returns (address[] memory list) {
        list = new address[](1);
        list[0] = creator;
    }

    /// @notice $MESI sent by plain transfer is owed to no one: the admin's sweep sends exactly it to the treasury,
    /// after which the vault holds exactly its ledger; a second sweep finds nothing.
    function testFuzz_SweepExcess_SendsOnlyStrandedToTreasury(uint256 tipped, uint256 stranded) public {
        tipped = bound(tipped, 1, 1e27);
        stranded = bound(stranded, 1, 1e27);
        _tipFromWhale(tipped);
        vm.prank(whale);
        mesi.transfer(address(vault), stranded);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()) + stranded);

        vm.expectEmit(address(vault));
        emit IMesiVault.ExcessSwept(treasury, stranded);
        vm.prank(admin);
        assertEq(vault.sweepExcess(_openAccounts()), stranded);
        assertEq(mesi.balanceOf(treasury), stranded);
        assertEq(mesi.balanceOf(address(vault)), _ledger(_creators()), "exactly the ledger after a sweep");
        vm.prank(admin);
        assertEq(vault.sweepExcess(_openAccounts()), 0);
        // Everything owed is still there to claim.
        vm.prank(creator);
        assertEq(vault.claim(creator), tipped - tipped / 10);
    }

    /// @notice The list must be every open account, each once: otherwise money owed could look like excess.
    function test_RevertWhen_SweepListIsNotEveryOpenAccount() public {
        _tipFromWhale(100e18);
        address other = makeAddr("other creator");
        _openAccount(other);
        assertEq(vault.accountCount(), 2);
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_AccountListIncomplete.selector, 1, 2));
        vault.sweepExcess(_openAccounts());

        (address low, address high) = creator < other ? (creator, other) : (other, creator);
        address[] memory list = new address[](2);
        (list[0], list[1]) = (high, low);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_AccountListUnsorted.selector, 1, low));
        vault.sweepExcess(list);
        (list[0], list[1]) = (low, low);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_AccountListUnsorted.selector, 1, low));
        vault.sweepExcess(list);
        address stranger = address(type(uint160).max);
        (list[0], list[1]) = (low, stranger);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_NoAccount.selector, stranger));
        vault.sweepExcess(list);
        (list[0], list[1]) = (low, high);
        assertEq(vault.sweepExcess(list), 0);
        vm.stopPrank();

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                whale,
                vault.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(whale);
        vault.sweepExcess(list);
    }

    // ───────────────────────────── fee snapshot of held credits (issue 8, item 8) ─────────────────────────────

    /// @notice A held fiat credit settles at the fee in force when it was made, whatever the fee is at settlement.
    function testFuzz_SettleCredits_TakesTheFeeInForceAtCredit(uint16 feeAtCredit, uint16 feeAtSettlement) public {
        feeAtCredit = uint16(bound(feeAtCredit, 0, vault.MAX_FEE_BPS()));
        feeAtSettlement = uint16(bound(feeAtSettlement, 0, vault.MAX_FEE_BPS()));
        vm.prank(admin);
        vault.setFeeBps(feeAtCredit);
        bytes32 ref = keccak256("held at one fee");
        vm.prank(relayer);
        vault.credit(
            IMesiVault.Credit(
                ref,
                fan,
                creator,
                1000e18,
                MesiTypes.PaymentSource.Fiat,
                MesiTypes.TipChannel.Profile,
                bytes32(0)
            )
        );
        (, , , , , uint256 snapshot) = vault.creditOf(ref);
        assertEq(snapshot, feeAtCredit);
        vm.prank(admin);
        vault.setFeeBps(feeAtSettlement);
        vm.warp(block.timestamp + vault.holdPeriod());
        bytes32[] memory refs = new bytes32[](1);
        refs[0] = ref;
        uint256 fee = (1000e18 * uint256(feeAtCredit)) / 10_000;
        vm.expectEmit(address(vault));
        emit IMesiVault.CreditSettled(ref, creator, 1000e18, fee);
        vault.settleCredits(refs);
        (uint256 cleared, , uint256 feesOwed) = vault.earningsOf(creator);
        assertEq(feesOwed, fee);
        assertEq(cleared, 1000e18 - fee);
    }

    // ───────────────────────────── who the modules are (issue 8, item 10) ─────────────────────────────

    /// @notice Modules are wired freely at deployment; once locked, a new module (MODULE_ROLE or escrow module) waits
    /// the admin's delay after being announced, so fans who approved the vault can revoke first. Removal is immediate.
    function test_LockedModules_NewModuleWaitsTheAdminDelay() public {
        MesiVault v = new MesiVault(mesi, address(converter), treasury, 1 days, admin);
        bytes32 moduleRole = v.MODULE_ROLE();
        (address first, address next, address escrow) = (makeAddr("tickets"), makeAddr("next"), makeAddr("escrow"));
        vm.startPrank(admin);
        v.grantRole(moduleRole, first);
        v.lockModules();
        assertTrue(v.modulesLocked());
        vm.expectRevert(IMesiVault.Vault_ModulesAlreadyLocked.selector);
        v.lockModules();

        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_ModuleNotScheduled.selector, next, 0));
        v.grantRole(moduleRole, next);
        uint48 readyAt = uint48(block.timestamp + 1 days);
        vm.expectEmit(address(v));
        emit IMesiVault.ModuleScheduled(next, readyAt);
        v.scheduleModule(next);
        assertEq(v.moduleScheduledAt(next), readyAt);
        vm.warp(readyAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_ModuleNotScheduled.selector, next, readyAt));
        v.grantRole(moduleRole, next);
        vm.warp(readyAt);
        v.grantRole(moduleRole, next);
        assertTrue(v.hasRole(moduleRole, next));
        assertEq(v.moduleScheduledAt(next), 0, "the schedule is used up");

        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_ModuleNotScheduled.selector, escrow, 0));
        v.setEscrowModule(escrow);
        v.scheduleModule(escrow);
        v.cancelModuleSchedule(escrow);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IMesiVault.Vault_ModuleNotScheduled.selector, escrow, 0));
        v.setEscrowModule(escrow);
        v.scheduleModule(escrow);
        vm.warp(block.timestamp + 1 days);
        v.setEscrowModule(escrow);
        assertEq(v.escrowModule(), escrow);

        // Removing is immediate.
        v.revokeRole(moduleRole, first);
        v.setEscrowModule(address(0));
        assertFalse(v.hasRole(moduleRole, first));
        vm.expectRevert(IMesiVault.Vault_ZeroAddress.selector);
        v.scheduleModule(address(0));
        vm.stopPrank();
    }
}
