// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import { IERC1363Receiver } from "@openzeppelin/contracts/interfaces/IERC1363Receiver.sol";

import { MesiTypes } from "./IMesiTypes.sol";

/// @title IMesiVault
/// @notice Holds every $MESI that moves through Mesi and keeps the ledger of who is owed what.
///
/// The vault is the one gate every fan-to-creator payment passes through: tips (ERC-1363 transfer-and-call, direct,
/// permit, signed meta-transaction, stablecoin, relayer credit) are handled here, and the other contracts (tickets and
/// subscriptions, holding MODULE_ROLE; the one-to-one escrow, named by {setEscrowModule}) are *modules* that collect
/// and credit through it.
/// That is why the creators' block lists live here: one storage read decides whether a fan may pay.
///
/// Trust in modules: {collectAndCredit}, {collectStablecoinAndCredit} and {fundEscrow} take a `fan` argument and pull
/// from that fan's allowance for the vault, so a module could pull any fan who approved the vault. The modules
/// Mesi deploys only ever name the fan they authenticated in the same call (`msg.sender`, or the signer of a
/// {IMesiTickets-BuyAuthorization}); the vault relies on that code. What the vault enforces is who the modules are:
/// they are set at deployment, and once the admin calls {lockModules} no contract becomes a module (MODULE_ROLE or
/// {setEscrowModule}) without a change scheduled {defaultAdminDelay} earlier ({scheduleModule}, announced by
/// {ModuleScheduled}), which gives fans that delay to revoke their approvals. Removing a module is immediate. Wallets
/// that pay by ERC-1363 `transferAndCall` approve nothing at all.
///
/// Ledger, all in $MESI base units:
/// - `cleared[creator]`: claimable now.
/// - `pending[creator]`: fiat-origin credits still inside their hold period (reversible on chargeback).
/// - `feesOwed[creator]`: platform fees taken from that creator's income, moved to `feePool` on claim or sweep
///   (keeping the fee beside the creator's balance makes a tip one storage write).
/// - `feePool`: fees ready to withdraw to the treasury.
/// - `floatBalance`: $MESI pre-funded by the relayer, from which fiat and off-chain stablecoin payments are credited.
/// - `escrowed`: one-to-one funds held for the escrow module.
/// Conservation: MESI.balanceOf(vault) == Σcleared + Σpending + ΣfeesOwed + feePool + floatBalance + escrowed.
///
/// Pausing stops new payments (tips, credits, module collections). It never stops claims, fee withdrawals,
/// settlements, reversals or escrow payouts (refunds, releases, dispute splits).
interface IMesiVault is IERC1363Receiver {
    /// @notice Status of a payment reference credited by the relayer.
    enum CreditStatus {
        None, // never seen
        Held, // fiat-origin, inside its hold period, reversible
        Cleared, // counted in the creator's cleared earnings
        Reversed // reversed during its hold period; amount returned to the float
    }

    /// @notice A relayer credit on behalf of a fan.
    /// @param paymentRef Unique reference of the off-chain payment (e.g. keccak of the Stripe PaymentIntent id).
    /// @param fan The paying fan (for the creator's history and access rules).
    /// @param creator The creator credited.
    /// @param amount Gross $MESI amount taken from the float (fee is deducted from it).
    /// @param source `Fiat` (held for `holdPeriod`, reversible) or `RelayerStablecoin` (cleared at once).
    /// @param channel Where the tip came from.
    /// @param channelRef Stream id or link id for Stream/TipLink channels, else zero.
    struct Credit {
        bytes32 paymentRef;
        address fan;
        address creator;
        uint256 amount;
        MesiTypes.PaymentSource source;
        MesiTypes.TipChannel channel;
        bytes32 channelRef;
    }

    /// @notice What a fan signs (EIP-712, domain "MesiVault"/"1") so that anyone can submit their $MESI tip.
    struct TipAuthorization {
        address fan;
        address creator;
        uint256 amount;
        MesiTypes.TipChannel channel;
        bytes32 channelRef;
        bytes32 memoHash;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice An EIP-2612 permit for the vault as spender, applied before a pull when present.
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice A fan's EIP-3009 `receiveWithAuthorization` of a stablecoin to the vault, bound to one tip.
    /// The EIP-3009 nonce the fan signs must equal `stablecoinTipNonce(...)` of these fields, which binds the
    /// authorization to this creator, channel, memo and minimum output: it cannot be redirected.
    struct StablecoinTipAuthorization {
        address fan;
        address stablecoin;
        address creator;
        uint256 stableAmount;
        uint256 minMesiOut;
        MesiTypes.TipChannel channel;
        bytes32 channelRef;
        bytes32 memoHash;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 salt;
    }

    // ───────────────────────────────────────── Events ─────────────────────────────────────────

    /// @notice A fan tipped a creator in $MESI from their wallet (direct, permit or signed meta-transaction).
    /// `amount` is gross; the creator's cleared earnings grew by `amount - fee`.
    event Tipped(
        address indexed creator,
        address indexed fan,
        uint256 amount,
        uint256 fee,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    );

    /// @notice A fan tipped in a stablecoin; `stableAmount` of `stablecoin` was received (measured by the vault's balance:
    /// less than the fan sent for a token that takes a fee on transfer) and `mesiAmount` $MESI, its quote, taken from
    /// the float at the converter's rate; the creator's cleared earnings grew by `mesiAmount - fee`.
    event StablecoinTipped(
        address indexed creator,
        address indexed fan,
        address indexed stablecoin,
        uint256 stableAmount,
        uint256 mesiAmount,
        uint256 fee,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    );

    /// @notice The relayer credited a payment from the float. For `Fiat` the amount is added to `pending` until
    /// `clearsAt` and `fee` is 0 (taken at settlement, at the fee rate in force now, kept in the credit's record:
    /// {creditOf}); otherwise it is cleared at once (`clearsAt` = now) with `fee`.
    /// `purpose` is 0 for a tip (emitted by the vault itself) and 1 for a module purchase (e.g. a ticket).
    event Credited(
        bytes32 indexed paymentRef,
        address indexed creator,
        address indexed fan,
        uint256 amount,
        uint256 fee,
        MesiTypes.PaymentSource source,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        uint8 purpose,
        uint64 clearsAt
    );

    /// @notice A held credit cleared: `pending` fell by `amount`, `cleared` grew by `amount - fee`.
    event CreditSettled(bytes32 indexed paymentRef, address indexed creator, uint256 amount, uint256 fee);

    /// @notice A held credit was reversed (chargeback/refund) during its hold: `amount` went back to the float.
    event CreditReversed(bytes32 indexed paymentRef, address indexed creator, address indexed fan, uint256 amount);

    /// @notice A module collected `amount` from `fan` for `creator` (ticket, subscription); `fee` went to the
    /// creator's fees owed and `amount - fee` to their cleared earnings. The module emits the purpose-specific event.
    event ModuleCredited(
        address indexed module,
        address indexed creator,
        address indexed fan,
        uint256 amount,
        uint256 fee
    );

    /// @notice A module collected `stableAmount` of `stablecoin` from `fan`, converted into `mesiAmount` from the float.
    event ModuleStablecoinCredited(
        address indexed module,
        address indexed creator,
        address indexed fan,
        address stablecoin,
        uint256 stableAmount,
        uint256 mesiAmount,
        uint256 fee
    );

    /// @notice A creator claimed `amount` of cleared earnings to `to`; `feesSwept` of their fees owed moved to the pool.
    event Claimed(address indexed creator, address indexed to, uint256 amount, uint256 feesSwept);

    /// @notice `amount` of a creator's fees owed moved into the fee pool.
    event FeesSwept(address indexed creator, uint256 amount);

    /// @notice The fee pool was paid to the treasury.
    event FeesWithdrawn(address indexed treasury, uint256 amount);
    /// @notice $MESI that reached the vault outside every payment path (a plain transfer), held but owed to no one, was
    /// sent to the treasury ({sweepExcess}).
    event ExcessSwept(address indexed treasury, uint256 amount);

    /// @notice The float was funded by `from`.
    event FloatFunded(address indexed from, uint256 amount);

    /// @notice `amount` left the float to `to`.
    event FloatWithdrawn(address indexed to, uint256 amount);

    /// @notice Stablecoin reserves received from stablecoin tips left the vault.
    event StablecoinWithdrawn(address indexed stablecoin, address indexed to, uint256 amount);

    /// @notice A creator blocked a fan: the fan can no longer pay this creator in any way.
    event FanBlocked(address indexed creator, address indexed fan);

    /// @notice A creator unblocked a fan.
    event FanUnblocked(address indexed creator, address indexed fan);

    /// @notice The platform fee changed (basis points).
    event FeeUpdated(uint256 oldBps, uint256 newBps);
    /// @notice The hold period of fiat credits changed (seconds).
    event HoldPeriodUpdated(uint256 oldSeconds, uint256 newSeconds);
    /// @notice The treasury that receives withdrawn fees changed.
    event TreasuryUpdated(address oldTreasury, address newTreasury);
    /// @notice The stablecoin converter changed.
    event ConverterUpdated(address oldConverter, address newConverter);
    /// @notice The one-to-one escrow module, the only caller of {fundEscrow} and {payOutEscrow}, changed.
    event EscrowModuleUpdated(address oldModule, address newModule);
    /// @notice From now on a new module needs a change scheduled a {defaultAdminDelay} ahead ({scheduleModule}).
    event ModulesLocked();
    /// @notice `module` may become a module (MODULE_ROLE or escrow module) from `readyAt` on.
    event ModuleScheduled(address indexed module, uint48 readyAt);
    /// @notice The scheduled change for `module` was cancelled.
    event ModuleScheduleCancelled(address indexed module);
    /// @notice `account` paused new payments.
    event Paused(address account);
    /// @notice `account` opened its Mesi account ({openAccount}, or {openLedger} at creator registration): from now on
    /// it can receive tips and payments and claim them.
    event AccountOpened(address indexed account);
    /// @notice `account` resumed new payments.
    event Unpaused(address account);

    // ───────────────────────────────────────── Errors ─────────────────────────────────────────

    error Vault_AmountZero();
    error Vault_InvalidCreator(address creator);
    error Vault_SelfPayment(address account);
    error Vault_InvalidRecipient(address to);
    error Vault_Blocked(address creator, address fan);
    error Vault_Paused();
    error Vault_SlippageExceeded(uint256 mesiOut, uint256 minMesiOut);
    error Vault_FloatInsufficient(uint256 required, uint256 available);
    error Vault_PaymentRefZero();
    error Vault_PaymentRefUsed(bytes32 paymentRef);
    error Vault_InvalidSource(MesiTypes.PaymentSource source);
    error Vault_CreditNotHeld(bytes32 paymentRef, CreditStatus status);
    error Vault_HoldNotOver(bytes32 paymentRef, uint64 clearsAt);
    error Vault_HoldOver(bytes32 paymentRef, uint64 clearsAt);
    error Vault_FeeTooHigh(uint256 bps, uint256 maxBps);
    error Vault_HoldTooLong(uint256 seconds_, uint256 maxSeconds);
    error Vault_NothingToClaim(address creator);
    error Vault_SignatureExpired(uint256 deadline, uint256 nowTimestamp);
    error Vault_InvalidSignature(address signer);
    error Vault_BatchEmpty();
    error Vault_EscrowInsufficient(uint256 required, uint256 escrowed);
    /// @notice Only the escrow module ({escrowModule}) may fund and pay out escrow.
    error Vault_NotEscrowModule(address caller);
    /// @notice A one-to-one request was paid to the vault while it names no escrow module.
    error Vault_NoEscrowModule();
    /// @notice Escrowing `amount` more would pass the escrow's bound (2^96 - 1 in all); `room` is what is left.
    error Vault_EscrowFull(uint256 amount, uint256 room);
    /// @notice The escrow module can't change while `module` still holds `escrowed` for its sessions.
    error Vault_EscrowInUse(address module, uint256 escrowed);
    /// @notice Modules are locked and `module` has no scheduled change that is due: `readyAt` is when its change is
    /// due (0: none scheduled).
    error Vault_ModuleNotScheduled(address module, uint48 readyAt);
    /// @notice {lockModules} was already called.
    error Vault_ModulesAlreadyLocked();
    error Vault_AlreadyBlocked(address creator, address fan);
    error Vault_NotBlocked(address creator, address fan);
    /// @notice `creator` already blocks 2^28 - 1 fans, the most the vault counts.
    error Vault_TooManyBlocks(address creator);
    error Vault_InsufficientReserve(address token, uint256 required, uint256 available);
    /// @notice {sweepExcess} was given `given` accounts; the vault has opened `opened`: the list must name every one.
    error Vault_AccountListIncomplete(uint256 given, uint256 opened);
    /// @notice {sweepExcess}'s list is not strictly ascending at `index` (`account`): each account must appear once.
    error Vault_AccountListUnsorted(uint256 index, address account);
    error Vault_ZeroAddress();
    /// @notice `account` has no open Mesi account, so it could never claim what it would be paid: every payment to it
    /// (tip, credit, module collection, escrow funding) is refused. It opens one with {openAccount} (or by
    /// registering as a creator).
    error Vault_NoAccount(address account);
    /// @notice {onTransferReceived} was called by `caller`, not by the $MESI token.
    error Vault_NotMesi(address caller);
    /// @notice The `data` of a $MESI `transferAndCall` to the vault is neither a tip nor a one-to-one request: a tip
    /// is exactly the 128 bytes of `abi.encode(address creator, uint8 channel, bytes32 channelRef, bytes32 memoHash)`
    /// with a clean address word and a channel that exists; a request is exactly the 64 bytes of
    /// `abi.encode(address creator, uint8 minutes_)` with clean words. `length` is the length of the data received.
    error Vault_InvalidTipData(uint256 length);

    // ───────────────────────────────────────── Tips ─────────────────────────────────────────
    //
    // Which path to use:
    // - Wallets (a fan tipping from their own account): $MESI's ERC-1363 `transferAndCall(vault, amount, data)`
    //   with `data = encodeTipData(creator, channel, channelRef, memoHash)`, handled by {onTransferReceived}. One
    //   transaction, no approval, and the cheapest tip (no allowance read or write). Recommended.
    // - {tip}: allowance-based, for callers that already hold an allowance — contracts, batched or scripted flows.
    // - {tipWithPermit} / {tipBySig}: gasless, when the relayer submits for a fan who signs but does not pay gas.
    // All of them apply the same checks, book the same way and emit the same {Tipped}.

    /// @notice ERC-1363 hook: a $MESI `transferAndCall(vault, amount, data)` (or `transferFromAndCall(from, vault,
    /// amount, data)`) is a tip of `value` from `from` to the creator named in `data` — or, when `data` is 64 bytes
    /// ({encodeSessionRequestData}), a one-to-one request of `from` funded with `value`: the vault escrows it as
    /// {fundEscrow} would (not paused, not blocked, value > 0, {Vault_EscrowFull}, {Vault_NoEscrowModule}) and calls
    /// {IEscrowModule-onEscrowFunded} on {escrowModule}, which records the request (its revert reverts the
    /// transfer). This is the wallet path for requests: one transaction, no approval. The token has already moved
    /// `value` into the vault, so nothing is pulled; the tip is booked exactly as {tip} books it and the hook returns
    /// its own selector. Any revert here reverts the whole transfer. `operator` is ignored: the fan is `from`, whose
    /// tokens moved (through `transferFromAndCall`, an operator spends an allowance `from` gave it, as with any
    /// transfer).
    ///
    /// `data` encoding (see {encodeTipData}): `abi.encode(address creator, uint8 channel, bytes32 channelRef,
    /// bytes32 memoHash)`, exactly 128 bytes; `channel` is a {MesiTypes.TipChannel} value (0..3).
    ///
    /// Requirements: msg.sender is the $MESI token ({Vault_NotMesi}); `data` well formed ({Vault_InvalidTipData});
    /// otherwise as {tip} with the fan being `from`: not paused; value > 0 (ERC-1363 itself allows 0); creator != 0
    /// and != from; creator's account open ({Vault_NoAccount}); from not blocked by creator.
    /// Emits {Tipped}.
    /// @return The selector of `onTransferReceived`, which tells the token the transfer is accepted.
    function onTransferReceived(
        address operator,
        address from,
        uint256 value,
        bytes calldata data
    ) external override returns (bytes4);

    /// @notice Tips `creator` `amount` $MESI from the caller (needs an allowance for the vault). No upper limit.
    /// Wallets should prefer `transferAndCall` (see {onTransferReceived}): no approval, less gas.
    /// Requirements: not paused; amount > 0; creator != 0 and != caller; creator's account open ({Vault_NoAccount});
    /// caller not blocked by creator.
    /// Emits {Tipped}.
    function tip(
        address creator,
        uint256 amount,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) external;

    /// @notice Same as {tip} in one transaction with the fan's EIP-2612 permit (a front-run permit is tolerated
    /// when the allowance is already in place). Emits {Tipped}.
    function tipWithPermit(
        address creator,
        uint256 amount,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash,
        Permit calldata permit
    ) external;

    /// @notice Gasless tip: anyone (normally the relayer) submits a fan's signed {TipAuthorization}; an optional
    /// permit (value 0 = none) sets the allowance in the same transaction.
    /// Requirements: as {tip}; block.timestamp <= deadline; nonce == nonces(fan); signature by fan (EOA or ERC-1271).
    /// Emits {Tipped}.
    function tipBySig(TipAuthorization calldata auth, bytes calldata signature, Permit calldata permit) external;

    /// @notice Tips in a listed stablecoin the caller pays (needs an allowance of the stablecoin for the vault).
    /// The vault pulls `stableAmount` and credits the converter's quote of what arrived (its balance change, so a
    /// fee-on-transfer token is never over-credited), taken from the float; reverts if below `minMesiOut`.
    /// Not re-entrant (OpenZeppelin's {ReentrancyGuardReentrantCall}).
    /// Emits {StablecoinTipped}.
    function tipWithStablecoin(
        address stablecoin,
        address creator,
        uint256 stableAmount,
        uint256 minMesiOut,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) external;

    /// @notice Gasless stablecoin tip through EIP-3009 `receiveWithAuthorization`; anyone may submit.
    /// Emits {StablecoinTipped}.
    function tipWithStablecoinAuthorization(
        StablecoinTipAuthorization calldata auth,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    // ───────────────────────────────────── Relayer credits ─────────────────────────────────────

    /// @notice Credits one payment from the float. Requirements: RELAYER_ROLE; not paused; paymentRef unused and
    /// non-zero; source Fiat or RelayerStablecoin; amount <= float; creator's account open; fan not blocked.
    /// Emits {Credited}.
    function credit(Credit calldata c) external;

    /// @notice Credits many payments in one transaction; all or nothing. Emits {Credited} for each.
    function creditBatch(Credit[] calldata credits) external;

    /// @notice Reverses a held fiat credit during its hold period (chargeback, refund). A credit a module made
    /// ({creditFromFloat}, e.g. a ticket bought by card) is also undone by that module: the vault calls its
    /// {ICreditModule-onCreditReversed} (the tickets take the tickets back).
    /// Requirements: RELAYER_ROLE; status Held; block.timestamp < clearsAt. Emits {CreditReversed}.
    function reverseCredit(bytes32 paymentRef) external;

    /// @notice Clears held credits whose hold is over; anyone may call. Each takes the fee rate in force when it was
    /// credited (its snapshot in {creditOf}), not the current one. Emits {CreditSettled} for each.
    function settleCredits(bytes32[] calldata paymentRefs) external;

    // ───────────────────────────────────────── Claims ─────────────────────────────────────────

    /// @notice Pays all of the caller's cleared earnings to `to` and sweeps their fees owed to the pool.
    /// Never paused. Requirements: to != 0; cleared > 0. Emits {Claimed}.
    function claim(address to) external returns (uint256 amount);

    /// @notice Moves the listed creators' fees owed into the fee pool; anyone may call. Emits {FeesSwept}.
    function sweepFees(address[] calldata creators) external;

    /// @notice Pays the fee pool to the treasury; anyone may call. Emits {FeesWithdrawn}.
    function withdrawFees() external returns (uint256 amount);

    /// @notice Sends the $MESI held beyond the whole ledger (plain transfers to the vault, which no payment path
    /// accounts for) to the treasury, and returns it (0, moving nothing, when there is none). After it, the vault holds
    /// exactly its ledger: MESI.balanceOf(vault) == Σcleared + Σpending + ΣfeesOwed + feePool + floatBalance + escrowed.
    /// `accounts` must be every open account ({accountCount} of them, e.g. from the {AccountOpened} events), in
    /// strictly ascending order, so that the sum is the whole ledger: nothing owed to anyone can be swept.
    /// Requirements: DEFAULT_ADMIN_ROLE; {Vault_AccountListIncomplete}; {Vault_AccountListUnsorted};
    /// {Vault_NoAccount} for a listed address without an account. Emits {ExcessSwept}.
    function sweepExcess(address[] calldata accounts) external returns (uint256 amount);

    // ───────────────────────────────────────── Float ─────────────────────────────────────────

    /// @notice Adds `amount` of the caller's $MESI to the float. Emits {FloatFunded}.
    function fundFloat(uint256 amount) external;

    /// @notice Withdraws from the float. Requirements: DEFAULT_ADMIN_ROLE. Emits {FloatWithdrawn}.
    function withdrawFloat(address to, uint256 amount) external;

    /// @notice Withdraws stablecoin reserves received from stablecoin tips. Requirements: DEFAULT_ADMIN_ROLE.
    /// Emits {StablecoinWithdrawn}.
    function withdrawStablecoin(address stablecoin, address to, uint256 amount) external;

    // ───────────────────────────────────────── Ledger ─────────────────────────────────────────

    /// @notice Opens the caller's Mesi account, so that it can receive tips and payments (fans tip each other too) and
    /// claim them. Anyone may call it for themselves; payments to an address without an open account revert
    /// {Vault_NoAccount}, so that a typo or a contract that cannot call {claim} never locks money. Also makes the
    /// account's first income a cheaper storage write. Idempotent: emits {AccountOpened} only the first time.
    function openAccount() external;

    /// @notice Module only (the creator registry, at registration): opens `creator`'s account as {openAccount} does.
    /// Idempotent; changes no amount; emits {AccountOpened} only the first time.
    /// Reverts {Vault_InvalidCreator} for the zero address and the vault itself.
    function openLedger(address creator) external;

    /// @notice Whether `creator`'s account is open ({openAccount} or {openLedger}): whether it can be paid.
    function isLedgerOpen(address creator) external view returns (bool);

    /// @notice Number of accounts ever opened (accounts are never closed).
    function accountCount() external view returns (uint256);

    // ───────────────────────────────────────── Blocks ─────────────────────────────────────────

    /// @notice The caller (a creator) blocks `fan`: no tip, credit, ticket, subscription or one-to-one from `fan` to
    /// the caller until {unblockFan}. Emits {FanBlocked}.
    function blockFan(address fan) external;

    /// @notice The caller (a creator) unblocks `fan`. Emits {FanUnblocked}.
    function unblockFan(address fan) external;

    // ───────────────────────────────────────── Modules ─────────────────────────────────────────

    /// @notice Pulls `amount` $MESI from `fan` and credits `creator` minus the fee.
    /// Requirements: MODULE_ROLE; not paused; creator's account open; fan not blocked; amount > 0.
    /// Emits {ModuleCredited}.
    function collectAndCredit(address fan, address creator, uint256 amount) external returns (uint256 fee);

    /// @notice Pulls `stableAmount` of `stablecoin` from `fan`, converts from the float, credits `creator`.
    /// Requirements: as {collectAndCredit}; quote >= minMesiOut. Emits {ModuleStablecoinCredited}.
    function collectStablecoinAndCredit(
        address fan,
        address stablecoin,
        uint256 stableAmount,
        uint256 minMesiOut,
        address creator
    ) external returns (uint256 mesiAmount, uint256 fee);

    /// @notice Credits a relayer payment for a module purchase from the float (purpose 1). A held (Fiat) one remembers
    /// the calling module, which {reverseCredit} calls back ({ICreditModule-onCreditReversed}).
    /// Requirements: MODULE_ROLE; otherwise as {credit}. Emits {Credited}.
    function creditFromFloat(
        bytes32 paymentRef,
        address fan,
        address creator,
        uint256 amount,
        MesiTypes.PaymentSource source
    ) external returns (uint256 fee, uint64 clearsAt);

    /// @notice Pulls `amount` $MESI from `fan` into the escrow. Requirements: caller is {escrowModule}
    /// ({Vault_NotEscrowModule}); not paused; creator's account open; fan not blocked; amount > 0; escrowed stays at most 2^96 - 1
    /// ({Vault_EscrowFull}). Emits nothing: the escrow module's own event (e.g.
    /// {IOneToOneEscrow-SessionRequested}) carries the fan, the creator and the amount.
    function fundEscrow(address fan, address creator, uint256 amount) external;

    /// @notice Pays escrowed funds out (never paused): `creatorAmount` to the creator minus fee, `fanAmount` back
    /// to the fan; returns the fee taken from the creator part. Requirements: caller is {escrowModule}; creatorAmount +
    /// fanAmount <= escrowed. Emits nothing: the escrow module's own event (e.g. {IOneToOneEscrow-SessionReleased}) carries
    /// the creator, the fan, both amounts and the returned fee.
    function payOutEscrow(
        address creator,
        uint256 creatorAmount,
        address fan,
        uint256 fanAmount
    ) external returns (uint256 fee);

    // ───────────────────────────────────────── Admin ─────────────────────────────────────────

    /// @notice Sets the platform fee for payments from now on: direct payments take the fee in force when they are
    /// made (apps show it from {feeBps}); held fiat credits already made keep the fee they were made with.
    /// Requirements: DEFAULT_ADMIN_ROLE; bps <= MAX_FEE_BPS. Emits {FeeUpdated}.
    function setFeeBps(uint256 bps) external;

    /// @notice Requirements: DEFAULT_ADMIN_ROLE; seconds <= MAX_HOLD_PERIOD. Emits {HoldPeriodUpdated}.
    function setHoldPeriod(uint256 seconds_) external;

    /// @notice Requirements: DEFAULT_ADMIN_ROLE; non-zero. Emits {TreasuryUpdated}.
    function setTreasury(address treasury) external;

    /// @notice Requirements: DEFAULT_ADMIN_ROLE; non-zero. Emits {ConverterUpdated}.
    function setConverter(address converter) external;

    /// @notice Names the one-to-one escrow module, the only caller of {fundEscrow} and {payOutEscrow} (zero: none).
    /// Requirements: DEFAULT_ADMIN_ROLE; nothing escrowed ({Vault_EscrowInUse}: the current module could no longer
    /// pay out its sessions); once modules are locked, a non-zero module needs a due change ({scheduleModule},
    /// {Vault_ModuleNotScheduled}), which this uses up. Emits {EscrowModuleUpdated}.
    function setEscrowModule(address module) external;

    /// @notice Ends the deployment's free wiring of modules: from now on granting MODULE_ROLE or naming an escrow
    /// module needs a change scheduled a {defaultAdminDelay} ahead ({scheduleModule}); revoking stays immediate.
    /// Requirements: DEFAULT_ADMIN_ROLE; not locked yet ({Vault_ModulesAlreadyLocked}). Emits {ModulesLocked}.
    function lockModules() external;

    /// @notice Schedules `module` to become a module (MODULE_ROLE grant or {setEscrowModule}) once
    /// {defaultAdminDelay} has passed; the grant then uses the schedule up.
    /// Requirements: DEFAULT_ADMIN_ROLE; module != 0. Emits {ModuleScheduled}.
    function scheduleModule(address module) external;

    /// @notice Cancels `module`'s scheduled change. Requirements: DEFAULT_ADMIN_ROLE. Emits {ModuleScheduleCancelled}.
    function cancelModuleSchedule(address module) external;

    /// @notice Whether {lockModules} was called.
    function modulesLocked() external view returns (bool);

    /// @notice When `module`'s scheduled change is due (0: none).
    function moduleScheduledAt(address module) external view returns (uint48);

    /// @notice Requirements: PAUSER_ROLE. Emits {Paused}.
    function pause() external;

    /// @notice Requirements: PAUSER_ROLE. Emits {Unpaused}.
    function unpause() external;

    // ───────────────────────────────────────── Views ─────────────────────────────────────────

    /// @notice The $MESI token.
    function mesi() external view returns (address);
    /// @notice The stablecoin converter that quotes stablecoin payments.
    function converter() external view returns (address);
    /// @notice Receives withdrawn fees.
    function treasury() external view returns (address);
    /// @notice Platform fee in basis points.
    function feeBps() external view returns (uint256);
    /// @notice Hold period of fiat credits, in seconds.
    function holdPeriod() external view returns (uint256);
    /// @notice Whether new payments are paused.
    function paused() external view returns (bool);
    /// @notice (cleared, pending, feesOwed) of a creator.
    function earningsOf(address creator) external view returns (uint256 cleared, uint256 pending, uint256 feesOwed);
    /// @notice Fees ready to withdraw to the treasury.
    function feePool() external view returns (uint256);
    /// @notice $MESI pre-funded for relayer credits.
    function floatBalance() external view returns (uint256);
    /// @notice The one-to-one escrow module ({setEscrowModule}).
    function escrowModule() external view returns (address);
    /// @notice $MESI held for the escrow module.
    function escrowed() external view returns (uint256);
    /// @notice Whether `creator` blocked `fan`.
    function isBlocked(address creator, address fan) external view returns (bool);
    /// @notice A relayer credit by reference; `feeBps` is the fee rate in force when it was made, which a held credit's
    /// settlement takes (a later {setFeeBps} does not change it).
    function creditOf(
        bytes32 paymentRef
    )
        external
        view
        returns (CreditStatus status, address creator, address fan, uint256 amount, uint64 clearsAt, uint256 feeBps);
    /// @notice Next meta-transaction nonce of a fan.
    function nonces(address fan) external view returns (uint256);
    /// @notice The EIP-3009 nonce a fan must sign for a {StablecoinTipAuthorization}.
    function stablecoinTipNonce(StablecoinTipAuthorization calldata auth) external pure returns (bytes32);
    /// @notice EIP-712 digest of a {TipAuthorization}.
    function tipAuthorizationDigest(TipAuthorization calldata auth) external view returns (bytes32);
    /// @notice The `data` of a $MESI `transferAndCall(vault, amount, data)` that requests a `minutes_`-minute
    /// one-to-one with `creator` (see {onTransferReceived}): `abi.encode(creator, minutes_)`, 64 bytes.
    function encodeSessionRequestData(address creator, uint8 minutes_) external pure returns (bytes memory);
    /// @notice The `data` of a $MESI `transferAndCall(vault, amount, data)` that tips `creator` (see
    /// {onTransferReceived}): `abi.encode(creator, uint8(channel), channelRef, memoHash)`.
    function encodeTipData(
        address creator,
        MesiTypes.TipChannel channel,
        bytes32 channelRef,
        bytes32 memoHash
    ) external pure returns (bytes memory);
}
