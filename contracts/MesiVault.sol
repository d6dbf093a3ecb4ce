// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import { AccessControlDefaultAdminRules } from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import { IERC1363Receiver } from "@openzeppelin/contracts/interfaces/IERC1363Receiver.sol";
import { IERC20 } from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import { IERC20Permit } from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import { SafeERC20 } from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import { ReentrancyGuardTransient } from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import { Nonces } from "@openzeppelin/contracts/utils/Nonces.sol";
import { EIP712 } from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import { SignatureChecker } from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import { SafeCast } from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import { ICreditModule } from "./interfaces/ICreditModule.sol";
import { IERC3009 } from "./interfaces/IERC3009.sol";
import { IEscrowModule } from "./interfaces/IEscrowModule.sol";
import { IMesiVault } from "./interfaces/IMesiVault.sol";
import { MesiTypes } from "./interfaces/IMesiTypes.sol";
import { IStableConverter } from "./interfaces/IStableConverter.sol";
import { FeeMath } from "./libraries/FeeMath.sol";

/// @title MesiVault
/// @notice Holds every $MESI that moves through Mesi and keeps the ledger of who is owed what (see {IMesiVault}).
/// @dev Storage is laid out for the cost of a payment: a tip reads one parameters slot, one block flag and writes
/// one earnings slot per creator (`cleared` and `feesOwed` side by side). Pause is a flag in the parameters slot
/// (not OZ Pausable, which would cost another cold read per payment).
///
/// Pausing stops: tip*, $MESI transferAndCall tips (onTransferReceived), credit, creditBatch, collectAndCredit,
/// collectStablecoinAndCredit, creditFromFloat, fundEscrow. It never stops claim, sweepFees, withdrawFees,
/// settleCredits, reverseCredit, payOutEscrow, fundFloat, withdrawFloat, withdrawStablecoin, blockFan/unblockFan or
/// admin setters.
///
/// Bound used by the `unchecked` blocks: every $MESI unit on the ledger is held by this vault, so any sum of ledger
/// entries is at most the $MESI total supply (1e29 < 2^97), far below 2^128.
contract MesiVault is IMesiVault, AccessControlDefaultAdminRules, EIP712, Nonces, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ───────────────────────────────────────── Types ─────────────────────────────────────────

    /// @dev Everything a payment reads, in one slot (2 + 1 + 4 + 20 bytes).
    struct Params {
        uint16 feeBps;
        bool paused;
        uint32 holdPeriod;
        address treasury;
    }

    /// @dev Slot A of a held (fiat) credit: who is credited and how much (fiat is bounded by card limits).
    struct HeldCredit {
        address creator;
        uint96 amount;
    }

    /// @dev The escrow module beside the escrowed total (see `_escrow`).
    struct EscrowSlot {
        address module;
        uint96 escrowed;
    }

    /// @dev Slot B of every credit: it marks the reference as used; `feeBps` is the fee in force when a held credit
    /// was made, which its settlement takes (20 + 5 + 1 + 2 bytes).
    struct CreditRecord {
        address fan;
        uint40 clearsAt;
        CreditStatus status;
        uint16 feeBps;
    }

    // ───────────────────────────────────────── Constants ─────────────────────────────────────────

    /// @notice Credits relayer payments from the float and reverses held ones.
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");
    /// @notice Tickets and subscriptions (the registry): collect and credit through the vault; the registry also opens
    /// creators' ledgers. (The one-to-one escrow is named by {setEscrowModule} instead.)
    bytes32 public constant MODULE_ROLE = keccak256("MODULE_ROLE");
    /// @notice Pauses and unpauses new payments.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice Highest platform fee: 20 %.
    uint256 public constant MAX_FEE_BPS = 2000;
    /// @notice Platform fee at deployment: 10 %.
    uint256 public constant DEFAULT_FEE_BPS = 1000;
    /// @notice Longest hold of a fiat credit.
    uint256 public constant MAX_HOLD_PERIOD = 180 days;
    /// @notice Hold of a fiat credit at deployment.
    uint256 public constant DEFAULT_HOLD_PERIOD = 7 days;

    // solhint-disable gas-small-strings
    /// @notice EIP-712 typehash of {IMesiVault.TipAuthorization} (`channel` is its uint8 value).
    bytes32 public constant TIP_AUTHORIZATION_TYPEHASH = keccak256(
        "TipAuthorization(address fan,address creator,uint256 amount,uint8 channel,bytes32 channelRef,bytes32 memoHash,uint256 nonce,uint256 deadline)"
    );
    // solhint-enable gas-small-strings

    /// @dev `purpose` of a {Credited} event.
    uint8 private constant PURPOSE_TIP = 0;
    uint8 private constant PURPOSE_MODULE = 1;

    /// @dev Length of the `data` of a transferAndCall tip: abi.encode(address, uint8, bytes32, bytes32).
    uint256 private constant TIP_DATA_LENGTH = 128;
    /// @dev Length of the `data` of a transferAndCall one-to-one request: abi.encode(address, uint8).
    uint256 private constant SESSION_REQUEST_DATA_LENGTH = 64;

    /// @dev A creator's earnings word: `cleared` in bits 0–96, the "ledger open" flag in bit 99, the number of fans
    /// they block in bits 100–127, `feesOwed` in bits 128–255. Cleared earnings never exceed the total supply
    /// (< 2^97), so adding to them never reaches the flag or the block count. A payment checks the creator's block
    /// list only when that count is not zero (it reads this word anyway to credit the creator). The flag, set at
    /// registration ({openLedger}) or by {openAccount} and kept by claims, marks the account open (payments to an
    /// address without it revert {Vault_NoAccount}) and keeps the word non-zero, so an account's first income and the
    /// income after each claim are 5,000-gas writes instead of 22,100.
    uint256 private constant LOW_128_MASK = type(uint128).max;
    uint256 private constant CLEARED_MASK = (1 << 97) - 1;
    uint256 private constant LEDGER_OPEN = 1 << 99;
    uint256 private constant BLOCK_COUNT_SHIFT = 100;
    uint256 private constant BLOCK_COUNT_MAX = (1 << 28) - 1;
    uint256 private constant BLOCK_COUNT_MASK = BLOCK_COUNT_MAX << BLOCK_COUNT_SHIFT;

    // ───────────────────────────────────────── State ─────────────────────────────────────────

    IERC20 private immutable _mesi;
    Params private _params;
    address private _converter;
    /// @dev Fee pool + 1: the slot never returns to zero, so adding fees (on every claim) is a 5,000-gas
    /// write instead of 22,100 (the trick of OZ ReentrancyGuard).
    uint256 private _feePoolPlusOne = 1;
    uint256 private _floatBalance;
    /// @dev Accounts ever opened ({openAccount}, {openLedger}): the only addresses that can hold a ledger entry, so a
    /// list of exactly this many distinct open accounts covers the whole ledger ({sweepExcess}).
    uint256 private _accountCount;
    /// @dev The escrow module and the escrowed total in the one slot both escrow calls read anyway: checking the
    /// caller costs no storage read of its own, and the module's address keeps the slot non-zero, so funding a session
    /// when nothing else is escrowed costs 5,000 gas, not 22,100. Escrowed is at most 2^96 - 1 (79 % of the supply;
    /// {Vault_EscrowFull} beyond), the largest one-to-one amount.
    EscrowSlot private _escrow;
    /// @dev `{uint97 cleared; bool ledgerOpen (bit 99); uint28 blockCount; uint128 feesOwed}` packed by hand so
    /// that a payment is one read and one write.
    mapping(address creator => uint256 earningsWord) private _earnings;
    mapping(address creator => uint256) private _pending;
    mapping(address creator => mapping(address fan => bool)) private _blocked;
    mapping(bytes32 paymentRef => HeldCredit) private _heldCredits;
    mapping(bytes32 paymentRef => CreditRecord) private _credits;
    /// @dev The module that made a held credit ({creditFromFloat} with Fiat): {reverseCredit} calls it back.
    mapping(bytes32 paymentRef => address module) private _creditModules;
    /// @dev After {lockModules}, when each scheduled module may be made one (admin paths only read these).
    bool private _modulesLocked;
    mapping(address module => uint48 readyAt) private _moduleSchedules;

    // ───────────────────────────────────────── Modifiers ─────────────────────────────────────────

    modifier whenNotPaused() {
        if (_params.paused) revert Vault_Paused();
        _;
    }

    // ───────────────────────────────────────── Constructor ─────────────────────────────────────────

    /// @notice Wires the token and converter, sets the treasury and the default fee (10 %) and hold (7 days).
    /// @param mesi_ The $MESI token.
    /// @param converter_ The stablecoin converter.
    /// @param treasury_ Receives withdrawn fees.
    /// @param initialDelay Delay of an admin handover (0 locally, e.g. 1 day in production).
    /// @param initialAdmin Holder of DEFAULT_ADMIN_ROLE.
    constructor(
        IERC20 mesi_,
        address converter_,
        address treasury_,
        uint48 initialDelay,
        address initialAdmin
    ) AccessControlDefaultAdminRules(initialDelay, initialAdmin) EIP712("MesiVault", "1") {
        if (address(mesi_) == address(0) || converter_ == address(0) || treasury_ == address(0)) {
            revert Vault_ZeroAddress();
        }
        _mesi = mesi_;
        _converter = converter_;
        _params = Params({
            feeBps: uint16(DEFAULT_FEE_BPS),
            paused: false,
            holdPeriod: uint32(DEFAULT_HOLD_PERIOD),
            treasury: treasury_
        });
        emit FeeUpdated(0, DEFAULT_FEE_BPS);
        emit HoldPeriodUpdated(0, DEFAULT_HOLD_PERIOD);
        emit TreasuryUpdated(address(0), treasury_);
        emit ConverterUpdated(address(0), converter_);
    }

    // ───────────────────────────────────────── Tips ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    /// @dev Conservation holds without a pull because the token credited this vault with `value` before calling.
    /// `from` is never this vault: the vault neither calls `transferAndCall` nor approves anyone.
    function onTransferReceived(
        address /* operator */,
        address from,
        uint256 value,
        bytes calldata data
    ) external returns (bytes4) {
        // Checks
        if (msg.sender != address(_mesi)) revert Vault_NotMesi(msg.sender);
        if (data.length == SESSION_REQUEST_DATA_LENGTH) {
            _fundSessionRequest(from, value, data);
        } else {
            (address creator, MesiTypes.TipChannel channel, bytes32 channelRef, bytes32 memoHash) = _decodeTipData(
                data
            );
            // Checks, Effects (the token has already moved `value` here: no interaction)
            uint256 fee = _bookTip(from, creator, value);
            emit Tipped(creator, from, value, fee, channel, channelRef, memoHash);
        }
        return IERC1363Receiver.onTransferReceived.selector;
    }

    /// @inheritdoc IMesiVault
    function tip(
        address creator,
        uint256 amount,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) external {
        _tip(msg.sender, creator, amount, channel, channelRef, memoHash);
    }

    /// @inheritdoc IMesiVault
    function tipWithPermit(
        address creator,
        uint256 amount,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash,
        Permit calldata permit
    ) external {
        if (permit.value != 0) _tryPermit(msg.sender, permit);
        _tip(msg.sender, creator, amount, channel, channelRef, memoHash);
    }

    /// @inheritdoc IMesiVault
    function tipBySig(TipAuthorization calldata auth, bytes calldata signature, Permit calldata permit) external {
        // Checks
        if (block.timestamp > auth.deadline) revert Vault_SignatureExpired(auth.deadline, block.timestamp);
        if (!SignatureChecker.isValidSignatureNowCalldata(auth.fan, tipAuthorizationDigest(auth), signature)) {
            revert Vault_InvalidSignature(auth.fan);
        }
        _useCheckedNonce(auth.fan, auth.nonce);
        if (permit.value != 0) _tryPermit(auth.fan, permit);
        _tip(auth.fan, auth.creator, auth.amount, auth.channel, auth.channelRef, auth.memoHash);
    }

    /// @inheritdoc IMesiVault
    function tipWithStablecoin(
        address stablecoin,
        address creator,
        uint256 stableAmount,
        uint256 minMesiOut,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) external nonReentrant {
        // Checks
        Params memory p = _checkStablecoinPayment(msg.sender, stablecoin, creator, stableAmount);
        // Interactions: what arrives counts, not what was asked for (a fee-on-transfer token delivers less).
        uint256 received = _pullStablecoin(stablecoin, msg.sender, stableAmount);
        // Effects
        (uint256 mesiOut, uint256 fee) = _creditStablecoin(stablecoin, creator, received, minMesiOut, p);
        emit StablecoinTipped(creator, msg.sender, stablecoin, received, mesiOut, fee, channel, channelRef, memoHash);
    }

    /// @inheritdoc IMesiVault
    /// @dev The vault credits what `receiveWithAuthorization` delivered, measured by its own balance.
    function tipWithStablecoinAuthorization(
        StablecoinTipAuthorization calldata auth,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // Checks
        Params memory p = _checkStablecoinPayment(auth.fan, auth.stablecoin, auth.creator, auth.stableAmount);
        // Interactions
        uint256 received = _receiveWithAuthorization(auth, v, r, s);
        // Effects
        _bookStablecoinAuthorization(auth, received, p);
    }

    // ───────────────────────────────────── Relayer credits ─────────────────────────────────────

    /// @inheritdoc IMesiVault
    function credit(Credit calldata c) external onlyRole(RELAYER_ROLE) {
        Params memory p = _params;
        if (p.paused) revert Vault_Paused();
        _takeFromFloat(_creditOne(c, p));
    }

    /// @inheritdoc IMesiVault
    /// @dev The float is checked and debited once, for the batch total, after every credit is recorded.
    function creditBatch(Credit[] calldata credits) external onlyRole(RELAYER_ROLE) {
        uint256 count = credits.length;
        if (count == 0) revert Vault_BatchEmpty();
        Params memory p = _params;
        if (p.paused) revert Vault_Paused();
        uint256 total;
        for (uint256 i; i < count; ++i) {
            // A batch total above 2^256 would need amounts no float can hold; checked anyway.
            total += _creditOne(credits[i], p);
        }
        _takeFromFloat(total);
    }

    /// @inheritdoc IMesiVault
    function reverseCredit(bytes32 paymentRef) external onlyRole(RELAYER_ROLE) {
        CreditRecord memory record = _credits[paymentRef];
        if (record.status != CreditStatus.Held) revert Vault_CreditNotHeld(paymentRef, record.status);
        if (block.timestamp >= record.clearsAt) revert Vault_HoldOver(paymentRef, record.clearsAt);
        HeldCredit memory held = _heldCredits[paymentRef];
        _credits[paymentRef].status = CreditStatus.Reversed;
        _pending[held.creator] -= held.amount;
        _floatBalance += held.amount;
        emit CreditReversed(paymentRef, held.creator, record.fan, held.amount);
        // Interactions: the module that bought with this credit takes back what it delivered.
        address module = _creditModules[paymentRef];
        if (module != address(0)) {
            delete _creditModules[paymentRef];
            ICreditModule(module).onCreditReversed(paymentRef);
        }
    }

    /// @inheritdoc IMesiVault
    /// @dev References already cleared are skipped, so a settlement batch cannot be made to fail by someone
    /// settling one of its references first. Unknown or reversed references revert {Vault_CreditNotHeld}.
    /// The fee is taken at the rate in force when the credit was made (kept in its record).
    function settleCredits(bytes32[] calldata paymentRefs) external {
        uint256 count = paymentRefs.length;
        if (count == 0) revert Vault_BatchEmpty();
        for (uint256 i; i < count; ++i) {
            bytes32 paymentRef = paymentRefs[i];
            CreditRecord memory record = _credits[paymentRef];
            if (record.status != CreditStatus.Held) {
                if (record.status == CreditStatus.Cleared) continue;
                revert Vault_CreditNotHeld(paymentRef, record.status);
            }
            if (block.timestamp < record.clearsAt) revert Vault_HoldNotOver(paymentRef, record.clearsAt);
            HeldCredit memory held = _heldCredits[paymentRef];
            _credits[paymentRef].status = CreditStatus.Cleared;
            _pending[held.creator] -= held.amount;
            uint256 fee = _accrue(held.creator, held.amount, record.feeBps);
            emit CreditSettled(paymentRef, held.creator, held.amount, fee);
        }
    }

    // ───────────────────────────────────────── Claims ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    function claim(address to) external returns (uint256 amount) {
        // Checks
        _requireRecipient(to);
        uint256 word = _earnings[msg.sender];
        amount = word & CLEARED_MASK;
        if (amount == 0) revert Vault_NothingToClaim(msg.sender);
        // Effects: only the block count and the flag stay.
        _earnings[msg.sender] = word & (BLOCK_COUNT_MASK | LEDGER_OPEN);
        uint256 feesSwept = word >> 128;
        if (feesSwept != 0) _feePoolPlusOne += feesSwept;
        // Interactions
        _mesi.safeTransfer(to, amount);
        emit Claimed(msg.sender, to, amount, feesSwept);
    }

    /// @inheritdoc IMesiVault
    /// @dev Creators with no fees owed are skipped.
    function sweepFees(address[] calldata creators) external {
        uint256 count = creators.length;
        if (count == 0) revert Vault_BatchEmpty();
        uint256 total;
        for (uint256 i; i < count; ++i) {
            address creator = creators[i];
            uint256 word = _earnings[creator];
            uint256 fees = word >> 128;
            if (fees == 0) continue;
            _earnings[creator] = word & LOW_128_MASK;
            // Bounded by the total supply (see contract notes).
            unchecked {
                total += fees;
            }
            emit FeesSwept(creator, fees);
        }
        if (total != 0) _feePoolPlusOne += total;
    }

    /// @inheritdoc IMesiVault
    /// @dev Returns 0 (and moves nothing) when the pool is empty.
    function withdrawFees() external returns (uint256 amount) {
        amount = _feePoolPlusOne - 1;
        if (amount == 0) return 0;
        address treasury_ = _params.treasury;
        // Effects
        _feePoolPlusOne = 1;
        // Interactions
        _mesi.safeTransfer(treasury_, amount);
        emit FeesWithdrawn(treasury_, amount);
    }

    /// @inheritdoc IMesiVault
    /// @dev O(number of accounts): a few thousand accounts per transaction (two storage reads each).
    function sweepExcess(address[] calldata accounts) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 amount) {
        // Checks: `accounts` is every open account, each once (ascending), so the sum below is the whole ledger.
        uint256 count = accounts.length;
        if (count != _accountCount) revert Vault_AccountListIncomplete(count, _accountCount);
        uint256 accounted = (_feePoolPlusOne - 1) + _floatBalance + _escrow.escrowed;
        address previous;
        for (uint256 i; i < count; ++i) {
            address account = accounts[i];
            if (account <= previous) revert Vault_AccountListUnsorted(i, account);
            uint256 word = _earnings[account];
            if (word & LEDGER_OPEN == 0) revert Vault_NoAccount(account);
            // Each term is a ledger entry held by this vault: bounded by the total supply (see contract notes).
            unchecked {
                accounted += (word & CLEARED_MASK) + (word >> 128) + _pending[account];
            }
            previous = account;
        }
        // The ledger never exceeds the balance (the invariant): a failure here would mean a broken ledger.
        amount = _mesi.balanceOf(address(this)) - accounted;
        if (amount == 0) return 0;
        address treasury_ = _params.treasury;
        // Interactions
        _mesi.safeTransfer(treasury_, amount);
        emit ExcessSwept(treasury_, amount);
    }

    // ───────────────────────────────────────── Float ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    /// @dev Open to anyone (it only adds to the float). Not paused.
    function fundFloat(uint256 amount) external {
        if (amount == 0) revert Vault_AmountZero();
        // Effects
        _floatBalance += amount;
        // Interactions
        _mesi.safeTransferFrom(msg.sender, address(this), amount);
        emit FloatFunded(msg.sender, amount);
    }

    /// @inheritdoc IMesiVault
    function withdrawFloat(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Checks
        _requireRecipient(to);
        if (amount == 0) revert Vault_AmountZero();
        // Effects
        _takeFromFloat(amount);
        // Interactions
        _mesi.safeTransfer(to, amount);
        emit FloatWithdrawn(to, amount);
    }

    /// @inheritdoc IMesiVault
    /// @dev $MESI itself is never a reserve: its available reserve is reported as 0.
    function withdrawStablecoin(address stablecoin, address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Checks
        _requireRecipient(to);
        if (amount == 0) revert Vault_AmountZero();
        uint256 available = stablecoin == address(_mesi) ? 0 : IERC20(stablecoin).balanceOf(address(this));
        if (amount > available) revert Vault_InsufficientReserve(stablecoin, amount, available);
        // Interactions
        IERC20(stablecoin).safeTransfer(to, amount);
        emit StablecoinWithdrawn(stablecoin, to, amount);
    }

    // ───────────────────────────────────────── Accounts ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    /// @dev `msg.sender` is never zero nor this vault (which never calls itself).
    function openAccount() external {
        _openAccount(msg.sender);
    }

    // ───────────────────────────────────────── Blocks ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    function blockFan(address fan) external {
        if (fan == address(0)) revert Vault_ZeroAddress();
        if (_blocked[msg.sender][fan]) revert Vault_AlreadyBlocked(msg.sender, fan);
        uint256 word = _earnings[msg.sender];
        if ((word >> BLOCK_COUNT_SHIFT) & BLOCK_COUNT_MAX == BLOCK_COUNT_MAX) revert Vault_TooManyBlocks(msg.sender);
        _blocked[msg.sender][fan] = true;
        // Below the maximum (just checked): the count does not carry into the fees.
        unchecked {
            _earnings[msg.sender] = word + (1 << BLOCK_COUNT_SHIFT);
        }
        emit FanBlocked(msg.sender, fan);
    }

    /// @inheritdoc IMesiVault
    function unblockFan(address fan) external {
        if (!_blocked[msg.sender][fan]) revert Vault_NotBlocked(msg.sender, fan);
        _blocked[msg.sender][fan] = false;
        // The fan was blocked, so the count is at least one.
        unchecked {
            _earnings[msg.sender] -= 1 << BLOCK_COUNT_SHIFT;
        }
        emit FanUnblocked(msg.sender, fan);
    }

    // ───────────────────────────────────────── Modules ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    function openLedger(address creator) external onlyRole(MODULE_ROLE) {
        if (creator == address(0) || creator == address(this)) revert Vault_InvalidCreator(creator);
        _openAccount(creator);
    }

    /// @inheritdoc IMesiVault
    function collectAndCredit(
        address fan,
        address creator,
        uint256 amount
    ) external onlyRole(MODULE_ROLE) returns (uint256 fee) {
        // Checks
        Params memory p = _params;
        if (p.paused) revert Vault_Paused();
        if (amount == 0) revert Vault_AmountZero();
        _checkPayment(fan, creator);
        // Effects
        fee = _accrue(creator, amount, p.feeBps);
        // Interactions
        _mesi.safeTransferFrom(fan, address(this), amount);
        emit ModuleCredited(msg.sender, creator, fan, amount, fee);
    }

    /// @inheritdoc IMesiVault
    function collectStablecoinAndCredit(
        address fan,
        address stablecoin,
        uint256 stableAmount,
        uint256 minMesiOut,
        address creator
    ) external onlyRole(MODULE_ROLE) nonReentrant returns (uint256 mesiAmount, uint256 fee) {
        // Checks
        Params memory p = _checkStablecoinPayment(fan, stablecoin, creator, stableAmount);
        // Interactions: what arrives counts (see {tipWithStablecoin}).
        uint256 received = _pullStablecoin(stablecoin, fan, stableAmount);
        // Effects
        (mesiAmount, fee) = _creditStablecoin(stablecoin, creator, received, minMesiOut, p);
        emit ModuleStablecoinCredited(msg.sender, creator, fan, stablecoin, received, mesiAmount, fee);
    }

    /// @inheritdoc IMesiVault
    function creditFromFloat(
        bytes32 paymentRef,
        address fan,
        address creator,
        uint256 amount,
        MesiTypes.PaymentSource source
    ) external onlyRole(MODULE_ROLE) returns (uint256 fee, uint64 clearsAt) {
        Params memory p = _params;
        if (p.paused) revert Vault_Paused();
        (fee, clearsAt) = _recordCredit(paymentRef, fan, creator, amount, source, p);
        if (source == MesiTypes.PaymentSource.Fiat) _creditModules[paymentRef] = msg.sender;
        _takeFromFloat(amount);
        emit Credited(
            paymentRef,
            creator,
            fan,
            amount,
            fee,
            source,
            MesiTypes.TipChannel.Profile,
            bytes32(0),
            PURPOSE_MODULE,
            clearsAt
        );
    }

    /// @inheritdoc IMesiVault
    function fundEscrow(address fan, address creator, uint256 amount) external {
        // Checks, Effects
        address module = _escrowIn(fan, creator, amount);
        if (msg.sender != module) revert Vault_NotEscrowModule(msg.sender);
        // Interactions
        _mesi.safeTransferFrom(fan, address(this), amount);
    }

    /// @inheritdoc IMesiVault
    /// @dev Never paused and never checks blocks: refunds and releases always go through. Reverts
    /// {Vault_AmountZero} when both amounts are zero, {Vault_InvalidCreator} for a creator part to the zero address
    /// and {Vault_InvalidRecipient} for a fan part to the zero address.
    function payOutEscrow(
        address creator,
        uint256 creatorAmount,
        address fan,
        uint256 fanAmount
    ) external returns (uint256 fee) {
        // Checks
        EscrowSlot memory e = _escrow;
        if (msg.sender != e.module) revert Vault_NotEscrowModule(msg.sender);
        uint256 total = creatorAmount + fanAmount;
        if (total == 0) revert Vault_AmountZero();
        uint256 escrowed_ = e.escrowed;
        if (total > escrowed_) revert Vault_EscrowInsufficient(total, escrowed_);
        if (creatorAmount != 0 && (creator == address(0) || creator == address(this))) {
            revert Vault_InvalidCreator(creator);
        }
        if (fanAmount != 0) _requireRecipient(fan);
        // Effects
        // total <= escrowed_ (just checked): fits uint96.
        _escrow.escrowed = uint96(escrowed_ - total);
        if (creatorAmount != 0) fee = _accrue(creator, creatorAmount, _params.feeBps);
        // Interactions
        if (fanAmount != 0) _mesi.safeTransfer(fan, fanAmount);
    }

    // ───────────────────────────────────────── Admin ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    function setFeeBps(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > MAX_FEE_BPS) revert Vault_FeeTooHigh(bps, MAX_FEE_BPS);
        uint256 oldBps = _params.feeBps;
        // bps <= MAX_FEE_BPS fits uint16.
        _params.feeBps = uint16(bps);
        emit FeeUpdated(oldBps, bps);
    }

    /// @inheritdoc IMesiVault
    function setHoldPeriod(uint256 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (seconds_ > MAX_HOLD_PERIOD) revert Vault_HoldTooLong(seconds_, MAX_HOLD_PERIOD);
        uint256 oldSeconds = _params.holdPeriod;
        // seconds_ <= MAX_HOLD_PERIOD fits uint32.
        _params.holdPeriod = uint32(seconds_);
        emit HoldPeriodUpdated(oldSeconds, seconds_);
    }

    /// @inheritdoc IMesiVault
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert Vault_ZeroAddress();
        address oldTreasury = _params.treasury;
        _params.treasury = treasury_;
        emit TreasuryUpdated(oldTreasury, treasury_);
    }

    /// @inheritdoc IMesiVault
    function setConverter(address converter_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (converter_ == address(0)) revert Vault_ZeroAddress();
        address oldConverter = _converter;
        _converter = converter_;
        emit ConverterUpdated(oldConverter, converter_);
    }

    /// @inheritdoc IMesiVault
    function setEscrowModule(address module) external onlyRole(DEFAULT_ADMIN_ROLE) {
        EscrowSlot memory e = _escrow;
        // Another module could not pay out the sessions the current one funded.
        if (e.escrowed != 0) revert Vault_EscrowInUse(e.module, e.escrowed);
        if (module != address(0)) _useModuleSchedule(module);
        _escrow.module = module;
        emit EscrowModuleUpdated(e.module, module);
    }

    /// @inheritdoc IMesiVault
    function lockModules() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_modulesLocked) revert Vault_ModulesAlreadyLocked();
        _modulesLocked = true;
        emit ModulesLocked();
    }

    /// @inheritdoc IMesiVault
    function scheduleModule(address module) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (module == address(0)) revert Vault_ZeroAddress();
        uint48 readyAt = SafeCast.toUint48(block.timestamp + defaultAdminDelay());
        _moduleSchedules[module] = readyAt;
        emit ModuleScheduled(module, readyAt);
    }

    /// @inheritdoc IMesiVault
    function cancelModuleSchedule(address module) external onlyRole(DEFAULT_ADMIN_ROLE) {
        delete _moduleSchedules[module];
        emit ModuleScheduleCancelled(module);
    }

    /// @inheritdoc IMesiVault
    /// @dev Reverts {Vault_Paused} if already paused.
    function pause() external onlyRole(PAUSER_ROLE) whenNotPaused {
        _params.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IMesiVault
    /// @dev A no-op (no event) when not paused.
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_params.paused) return;
        _params.paused = false;
        emit Unpaused(msg.sender);
    }

    // ───────────────────────────────────────── Views ─────────────────────────────────────────

    /// @inheritdoc IMesiVault
    function mesi() external view returns (address) {
        return address(_mesi);
    }

    /// @inheritdoc IMesiVault
    function converter() external view returns (address) {
        return _converter;
    }

    /// @inheritdoc IMesiVault
    function treasury() external view returns (address) {
        return _params.treasury;
    }

    /// @inheritdoc IMesiVault
    function feeBps() external view returns (uint256) {
        return _params.feeBps;
    }

    /// @inheritdoc IMesiVault
    function holdPeriod() external view returns (uint256) {
        return _params.holdPeriod;
    }

    /// @inheritdoc IMesiVault
    function paused() external view returns (bool) {
        return _params.paused;
    }

    /// @inheritdoc IMesiVault
    function earningsOf(address creator) external view returns (uint256 cleared, uint256 pending, uint256 feesOwed) {
        uint256 word = _earnings[creator];
        return (word & CLEARED_MASK, _pending[creator], word >> 128);
    }

    /// @inheritdoc IMesiVault
    function feePool() external view returns (uint256) {
        return _feePoolPlusOne - 1;
    }

    /// @inheritdoc IMesiVault
    function floatBalance() external view returns (uint256) {
        return _floatBalance;
    }

    /// @inheritdoc IMesiVault
    function modulesLocked() external view returns (bool) {
        return _modulesLocked;
    }

    /// @inheritdoc IMesiVault
    function moduleScheduledAt(address module) external view returns (uint48) {
        return _moduleSchedules[module];
    }

    /// @inheritdoc IMesiVault
    function escrowModule() external view returns (address) {
        return _escrow.module;
    }

    /// @inheritdoc IMesiVault
    function escrowed() external view returns (uint256) {
        return _escrow.escrowed;
    }

    /// @inheritdoc IMesiVault
    function accountCount() external view returns (uint256) {
        return _accountCount;
    }

    /// @inheritdoc IMesiVault
    function isLedgerOpen(address creator) external view returns (bool) {
        return _earnings[creator] & LEDGER_OPEN != 0;
    }

    /// @inheritdoc IMesiVault
    function isBlocked(address creator, address fan) external view returns (bool) {
        return _blocked[creator][fan];
    }

    /// @inheritdoc IMesiVault
    /// @dev Returns what is stored: `creator` and `amount` are kept only for fiat (held) credits; a credit cleared at
    /// once (RelayerStablecoin) returns them as zero — its {Credited} event carries them.
    function creditOf(
        bytes32 paymentRef
    )
        external
        view
        returns (CreditStatus status, address creator, address fan, uint256 amount, uint64 clearsAt, uint256 feeBps_)
    {
        CreditRecord memory record = _credits[paymentRef];
        HeldCredit memory held = _heldCredits[paymentRef];
        return (record.status, held.creator, record.fan, held.amount, record.clearsAt, record.feeBps);
    }

    /// @inheritdoc IMesiVault
    function nonces(address fan) public view override(IMesiVault, Nonces) returns (uint256) {
        return super.nonces(fan);
    }

    /// @inheritdoc IMesiVault
    function stablecoinTipNonce(StablecoinTipAuthorization calldata auth) public pure returns (bytes32) {
        return
            keccak256(
                abi.encode(auth.creator, auth.minMesiOut, auth.channel, auth.channelRef, auth.memoHash, auth.salt)
            );
    }

    /// @inheritdoc IMesiVault
    function tipAuthorizationDigest(TipAuthorization calldata auth) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        TIP_AUTHORIZATION_TYPEHASH,
                        auth.fan,
                        auth.creator,
                        auth.amount,
                        auth.channel,
                        auth.channelRef,
                        auth.memoHash,
                        auth.nonce,
                        auth.deadline
                    )
                )
            );
    }

    /// @inheritdoc IMesiVault
    function encodeSessionRequestData(address creator, uint8 minutes_) external pure returns (bytes memory) {
        return abi.encode(creator, minutes_);
    }

    /// @inheritdoc IMesiVault
    function encodeTipData(
        address creator,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) external pure returns (bytes memory) {
        return abi.encode(creator, channel, channelRef, memoHash);
    }

    /// @notice ERC-165: also advertises {IERC1363Receiver} ($MESI transferAndCall tips).
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IERC1363Receiver).interfaceId || super.supportsInterface(interfaceId);
    }

    // ───────────────────────────────────────── Internal ─────────────────────────────────────────

    /// @dev A MODULE_ROLE grant, once modules are locked, needs a due schedule (see {IMesiVault-lockModules}).
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role == MODULE_ROLE) _useModuleSchedule(account);
        return super._grantRole(role, account);
    }

    /// @dev Once modules are locked, requires `module`'s scheduled change to be due, and uses it up.
    function _useModuleSchedule(address module) private {
        if (!_modulesLocked) return;
        uint48 readyAt = _moduleSchedules[module];
        if (readyAt == 0 || block.timestamp < readyAt) revert Vault_ModuleNotScheduled(module, readyAt);
        delete _moduleSchedules[module];
    }

    /// @dev A $MESI tip from `fan`'s wallet.
    function _tip(
        address fan,
        address creator,
        uint256 amount,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) private {
        // Checks, Effects
        uint256 fee = _bookTip(fan, creator, amount);
        // Interactions
        _mesi.safeTransferFrom(fan, address(this), amount);
        emit Tipped(creator, fan, amount, fee, channel, channelRef, memoHash);
    }

    /// @dev Checks and effects of a $MESI tip from `fan`, shared by the pull paths and the transferAndCall hook.
    function _bookTip(address fan, address creator, uint256 amount) private returns (uint256 fee) {
        // Checks
        Params storage p = _params;
        (bool paused_, uint256 bps) = (p.paused, p.feeBps);
        if (paused_) revert Vault_Paused();
        if (amount == 0) revert Vault_AmountZero();
        _checkPayment(fan, creator);
        // Effects
        fee = _accrue(creator, amount, bps);
    }

    /// @dev Reads the `data` of a transferAndCall tip (see {IMesiVault-onTransferReceived}) straight from calldata:
    /// exactly four words, an address with clean high bits, a channel that exists.
    function _decodeTipData(
        bytes calldata data
    ) private pure returns (address creator, MesiTypes.TipChannel channel, bytes32 channelRef, bytes32 memoHash) {
        if (data.length != TIP_DATA_LENGTH) revert Vault_InvalidTipData(data.length);
        uint256 creatorWord;
        uint256 channelWord;
        // Four words inside `data` (its length was just checked): plain loads instead of bounds-checked slices.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            creatorWord := calldataload(data.offset)
            channelWord := calldataload(add(data.offset, 0x20))
            channelRef := calldataload(add(data.offset, 0x40))
            memoHash := calldataload(add(data.offset, 0x60))
        }
        if (creatorWord > type(uint160).max || channelWord > uint256(type(MesiTypes.TipChannel).max)) {
            revert Vault_InvalidTipData(TIP_DATA_LENGTH);
        }
        creator = address(uint160(creatorWord));
        channel = MesiTypes.TipChannel(channelWord);
    }

    /// @dev Pulls `amount` of `stablecoin` from `from` (its allowance) and returns what arrived, measured by the
    /// vault's balance.
    function _pullStablecoin(address stablecoin, address from, uint256 amount) private returns (uint256 received) {
        uint256 before = IERC20(stablecoin).balanceOf(address(this));
        IERC20(stablecoin).safeTransferFrom(from, address(this), amount);
        received = IERC20(stablecoin).balanceOf(address(this)) - before;
    }

    /// @dev Pulls a stablecoin tip by EIP-3009 `receiveWithAuthorization` (only the payee may submit it, and the nonce
    /// binds the tip's fields) and returns what arrived, measured by the vault's balance.
    function _receiveWithAuthorization(
        StablecoinTipAuthorization calldata auth,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private returns (uint256 received) {
        IERC20 stablecoin = IERC20(auth.stablecoin);
        uint256 before = stablecoin.balanceOf(address(this));
        IERC3009(auth.stablecoin).receiveWithAuthorization(
            auth.fan,
            address(this),
            auth.stableAmount,
            auth.validAfter,
            auth.validBefore,
            stablecoinTipNonce(auth),
            v,
            r,
            s
        );
        received = stablecoin.balanceOf(address(this)) - before;
    }

    /// @dev Effects of an EIP-3009 stablecoin tip once `received` arrived: credits its quote and emits the tip.
    function _bookStablecoinAuthorization(
        StablecoinTipAuthorization calldata auth,
        uint256 received,
        Params memory p
    ) private {
        (uint256 mesiOut, uint256 fee) = _creditStablecoin(auth.stablecoin, auth.creator, received, auth.minMesiOut, p);
        emit StablecoinTipped(
            auth.creator,
            auth.fan,
            auth.stablecoin,
            received,
            mesiOut,
            fee,
            auth.channel,
            auth.channelRef,
            auth.memoHash
        );
    }

    /// @dev Checks of a stablecoin payment, before the stablecoin is pulled; returns the parameters slot.
    function _checkStablecoinPayment(
        address fan,
        address stablecoin,
        address creator,
        uint256 stableAmount
    ) private view returns (Params memory p) {
        p = _params;
        if (p.paused) revert Vault_Paused();
        if (stableAmount == 0) revert Vault_AmountZero();
        _checkPayment(fan, creator);
        if (stablecoin == address(_mesi)) revert Vault_InvalidSource(MesiTypes.PaymentSource.Stablecoin);
    }

    /// @dev Effects of a stablecoin payment, once `received` has arrived: quotes it, takes the $MESI from the float and
    /// credits it. The callers hold the reentrancy lock: a stablecoin re-entering during its transfer cannot have its
    /// nested payment counted twice by the outer balance measurement.
    function _creditStablecoin(
        address stablecoin,
        address creator,
        uint256 received,
        uint256 minMesiOut,
        Params memory p
    ) private returns (uint256 mesiOut, uint256 fee) {
        mesiOut = IStableConverter(_converter).quote(stablecoin, received);
        if (mesiOut < minMesiOut) revert Vault_SlippageExceeded(mesiOut, minMesiOut);
        if (mesiOut == 0) revert Vault_AmountZero();
        _takeFromFloat(mesiOut);
        fee = _accrue(creator, mesiOut, p.feeBps);
    }

    /// @dev Records one relayer credit and emits {Credited} (purpose 0); returns the amount to take from the float.
    function _creditOne(Credit calldata c, Params memory p) private returns (uint256 amount) {
        amount = c.amount;
        (uint256 fee, uint64 clearsAt) = _recordCredit(c.paymentRef, c.fan, c.creator, amount, c.source, p);
        emit Credited(
            c.paymentRef,
            c.creator,
            c.fan,
            amount,
            fee,
            c.source,
            c.channel,
            c.channelRef,
            PURPOSE_TIP,
            clearsAt
        );
    }

    /// @dev Checks a relayer credit and books it as held (Fiat: slot A + slot B + pending) or cleared
    /// (RelayerStablecoin: slot B + earnings). The float is debited by the caller.
    function _recordCredit(
        bytes32 paymentRef,
        address fan,
        address creator,
        uint256 amount,
        MesiTypes.PaymentSource source,
        Params memory p
    ) private returns (uint256 fee, uint64 clearsAt) {
        // Checks
        if (paymentRef == bytes32(0)) revert Vault_PaymentRefZero();
        if (amount == 0) revert Vault_AmountZero();
        _checkPayment(fan, creator);
        if (_credits[paymentRef].status != CreditStatus.None) revert Vault_PaymentRefUsed(paymentRef);
        // Effects
        if (source == MesiTypes.PaymentSource.Fiat) {
            uint40 clears = SafeCast.toUint40(block.timestamp + p.holdPeriod);
            _heldCredits[paymentRef] = HeldCredit({ creator: creator, amount: SafeCast.toUint96(amount) });
            _credits[paymentRef] = CreditRecord({
                fan: fan,
                clearsAt: clears,
                status: CreditStatus.Held,
                feeBps: p.feeBps
            });
            _pending[creator] += amount;
            return (0, clears);
        }
        if (source != MesiTypes.PaymentSource.RelayerStablecoin) revert Vault_InvalidSource(source);
        uint40 now_ = SafeCast.toUint40(block.timestamp);
        _credits[paymentRef] = CreditRecord({
            fan: fan,
            clearsAt: now_,
            status: CreditStatus.Cleared,
            feeBps: p.feeBps
        });
        fee = _accrue(creator, amount, p.feeBps);
        clearsAt = now_;
    }

    /// @dev Adds `amount` minus the fee to `creator`'s cleared earnings and the fee to their fees owed, in one write.
    function _accrue(address creator, uint256 amount, uint256 feeBps_) private returns (uint256 fee) {
        uint256 net;
        (fee, net) = FeeMath.split(SafeCast.toUint128(amount), feeBps_);
        // net, fee <= amount < 2^128, and each half of the word stays below the total supply (< 2^97; see contract
        // notes), so neither the low half carries into the high half nor the high half overflows.
        unchecked {
            _earnings[creator] += net | (fee << 128);
        }
    }

    /// @dev Debits the float, reverting {Vault_FloatInsufficient} when it is short.
    function _takeFromFloat(uint256 amount) private {
        uint256 available = _floatBalance;
        if (amount > available) revert Vault_FloatInsufficient(amount, available);
        unchecked {
            // amount <= available.
            _floatBalance = available - amount;
        }
    }

    /// @dev Applies an EIP-2612 permit for this vault; a failure (e.g. a front-run permit) is ignored, and the pull
    /// that follows reverts if the allowance is not in place.
    function _tryPermit(address owner, Permit calldata permit) private {
        IERC20Permit token = IERC20Permit(address(_mesi));
        // solhint-disable no-empty-blocks
        try token.permit(owner, address(this), permit.value, permit.deadline, permit.v, permit.r, permit.s) {
            // Allowance set.
        } catch {
            // Already used (front-run) or invalid.
        }
        // solhint-enable no-empty-blocks
    }

    /// @dev A one-to-one request paid by transferAndCall: `amount` is already here; escrow it, then the escrow module
    /// records the session (its revert reverts the transfer).
    function _fundSessionRequest(address fan, uint256 amount, bytes calldata data) private {
        // Checks: two words inside `data` (its length was checked by the caller).
        uint256 creatorWord;
        uint256 minutesWord;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            creatorWord := calldataload(data.offset)
            minutesWord := calldataload(add(data.offset, 0x20))
        }
        if (creatorWord > type(uint160).max || minutesWord > type(uint8).max) {
            revert Vault_InvalidTipData(SESSION_REQUEST_DATA_LENGTH);
        }
        address creator = address(uint160(creatorWord));
        // Checks, Effects
        address module = _escrowIn(fan, creator, amount);
        if (module == address(0)) revert Vault_NoEscrowModule();
        // Interactions
        IEscrowModule(module).onEscrowFunded(fan, creator, amount, uint8(minutesWord));
    }

    /// @dev Adds `amount` from `fan` for `creator` to the escrowed total (after the payment checks, pause first, for
    /// both ways of funding); returns the escrow module, read from the same slot.
    function _escrowIn(address fan, address creator, uint256 amount) private returns (address module) {
        if (_params.paused) revert Vault_Paused();
        EscrowSlot memory e = _escrow;
        if (amount == 0) revert Vault_AmountZero();
        _checkPayment(fan, creator);
        uint256 room = type(uint96).max - e.escrowed;
        if (amount > room) revert Vault_EscrowFull(amount, room);
        // amount <= room: fits uint96.
        _escrow.escrowed = uint96(e.escrowed + amount);
        return e.module;
    }

    /// @dev Who may pay whom: a real creator with an open account, not oneself, not blocked. Both the account flag and
    /// the block count sit in the creator's earnings word, which the payment credits next: the check adds no storage
    /// read. The block list is read only when the creator blocks someone.
    function _checkPayment(address fan, address creator) private view {
        if (creator == address(0) || creator == address(this)) revert Vault_InvalidCreator(creator);
        if (fan == creator) revert Vault_SelfPayment(fan);
        uint256 word = _earnings[creator];
        if (word & LEDGER_OPEN == 0) revert Vault_NoAccount(creator);
        if (word & BLOCK_COUNT_MASK != 0 && _blocked[creator][fan]) revert Vault_Blocked(creator, fan);
    }

    /// @dev Sets the "account open" flag of `account`'s earnings word; emits {AccountOpened} the first time.
    function _openAccount(address account) private {
        uint256 word = _earnings[account];
        if (word & LEDGER_OPEN != 0) return;
        _earnings[account] = word | LEDGER_OPEN;
        ++_accountCount;
        emit AccountOpened(account);
    }

    /// @dev A recipient of $MESI leaving the ledger: not zero and not the vault itself (which would strand it).
    function _requireRecipient(address to) private view {
        if (to == address(0) || to == address(this)) revert Vault_InvalidRecipient(to);
    }
}
