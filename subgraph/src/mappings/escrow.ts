// OneToOneEscrow: creators' one-to-one settings, sessions through their
// lifecycle, and the escrow's money movements on the vault's ledger (the vault
// emits no event for escrow: the escrow's events carry the fan, the creator,
// the amounts and the fee).
import { Address, BigInt, ethereum, log } from "@graphprotocol/graph-ts";

import { EscrowModule, EscrowMovement, OneToOneSession, Payment, SessionEvent } from "../../generated/schema";
import {
  DisputeWindowUpdated,
  EscrowInitialized,
  OneToOneSettingsUpdated,
  RequestTtlUpdated,
  SessionAccepted,
  SessionDisputed,
  SessionKyfRequested,
  SessionRefunded,
  SessionReleased,
  SessionRequested,
  SessionResolved,
} from "../../generated/OneToOneEscrow/OneToOneEscrow";
import { Books } from "../common/books";
import { countPayment, loadCreator, loadCreatorDay, loadFan, ZERO } from "../common/entities";
import { sessionStatusName } from "../common/enums";
import { counterId, eventId } from "../common/ids";
import { recordParameterChange } from "../common/parameters";

function recordStep(
  event: ethereum.Event,
  session: OneToOneSession,
  kind: string,
  amount: BigInt | null,
  fee: BigInt | null,
): void {
  const step = new SessionEvent(eventId(event));
  step.session = session.id;
  step.kind = kind;
  step.status = session.status;
  step.amount = amount;
  step.fee = fee;
  step.blockNumber = event.block.number;
  step.timestamp = event.block.timestamp;
  step.transactionHash = event.transaction.hash;
  step.save();
}

const SEQ_MASK = BigInt.fromI32(2).pow(64).minus(BigInt.fromI32(1));

export function handleEscrowInitialized(event: EscrowInitialized): void {
  const module = new EscrowModule(event.address);
  module.vault = event.params.vault;
  module.blockNumber = event.block.number;
  module.transactionHash = event.transaction.hash;
  module.save();
}

export function handleOneToOneSettingsUpdated(event: OneToOneSettingsUpdated): void {
  const p = event.params;
  const creator = loadCreator(p.creator, event.block);
  creator.oneToOneEnabled = p.enabled;
  creator.oneToOneMinAmount = p.minAmount;
  creator.oneToOneMinMinutes = p.minMinutes;
  creator.oneToOneMaxMinutes = p.maxMinutes;
  creator.save();
}

/**
 * Books an escrow movement: the EscrowMovement row, the vault's `escrowed`
 * and, for a creator part, the creator's earnings net of the fee.
 */
function recordMovement(
  event: ethereum.Event,
  session: OneToOneSession,
  kind: string,
  creatorAmount: BigInt,
  fee: BigInt,
  fanAmount: BigInt,
): void {
  const movement = new EscrowMovement(eventId(event));
  movement.kind = kind;
  movement.module = event.address;
  movement.session = session.id;
  movement.creator = session.creator;
  movement.fan = session.fan;
  movement.creatorAmount = creatorAmount;
  movement.fee = fee;
  movement.fanAmount = fanAmount;
  movement.blockNumber = event.block.number;
  movement.timestamp = event.block.timestamp;
  movement.transactionHash = event.transaction.hash;
  movement.save();
  const module = EscrowModule.load(event.address);
  if (module == null) {
    log.warning("escrow {} has no EscrowInitialized: movement not booked on a vault", [event.address.toHexString()]);
    return;
  }
  const books = new Books(event, Address.fromBytes(module.vault), Address.fromBytes(session.creator));
  if (kind == "FUNDED") {
    books.vault.escrowed = books.vault.escrowed.plus(creatorAmount);
  } else {
    books.vault.escrowed = books.vault.escrowed.minus(creatorAmount.plus(fanAmount));
    if (!creatorAmount.isZero()) books.accrue(creatorAmount, fee);
  }
  books.save();
}

export function handleSessionRequested(event: SessionRequested): void {
  const p = event.params;
  loadCreator(p.creator, event.block).save();
  loadFan(p.fan, event.block).save();
  const session = new OneToOneSession(counterId(p.sessionId));
  session.sessionId = p.sessionId;
  session.seq = p.sessionId.bitAnd(SEQ_MASK);
  session.fan = p.fan;
  session.creator = p.creator;
  session.amount = p.amount;
  session.minutes = p.minutes_;
  session.status = "REQUESTED";
  session.requestedAt = p.requestedAt;
  session.requestTtl = p.expiresAt.minus(p.requestedAt).toI32();
  session.disputeWindow = p.disputeWindow.toI32();
  session.expiresAt = p.expiresAt;
  session.save();
  recordStep(event, session, "REQUESTED", p.amount, null);
  recordMovement(event, session, "FUNDED", p.amount, ZERO, ZERO);
}

export function handleSessionAccepted(event: SessionAccepted): void {
  const session = OneToOneSession.load(counterId(event.params.sessionId));
  if (session == null) return;
  session.status = "ACCEPTED";
  session.startedAt = event.params.startedAt;
  session.endsAt = event.params.endsAt;
  session.disputeEndsAt = event.params.disputeEndsAt;
  session.save();
  recordStep(event, session, "ACCEPTED", null, null);
}

export function handleSessionRefunded(event: SessionRefunded): void {
  const session = OneToOneSession.load(counterId(event.params.sessionId));
  if (session == null) return;
  session.status = sessionStatusName(event.params.status);
  session.refund = event.params.refund;
  session.closedAt = event.block.timestamp;
  session.save();
  recordStep(event, session, "REFUNDED", event.params.refund, null);
  recordMovement(event, session, "PAID_OUT", ZERO, ZERO, event.params.refund);
}

export function handleSessionKyfRequested(event: SessionKyfRequested): void {
  const session = OneToOneSession.load(counterId(event.params.sessionId));
  if (session == null) return;
  session.kyfDeadline = event.params.deadline;
  // The request stays open at least until the consent deadline.
  if (event.params.deadline.gt(session.expiresAt)) session.expiresAt = event.params.deadline;
  session.save();
  recordStep(event, session, "KYF_REQUESTED", null, null);
}

export function handleSessionDisputed(event: SessionDisputed): void {
  const session = OneToOneSession.load(counterId(event.params.sessionId));
  if (session == null) return;
  session.status = "DISPUTED";
  session.evidenceHash = event.params.evidenceHash;
  session.save();
  recordStep(event, session, "DISPUTED", null, null);
}

function recordPayout(event: ethereum.Event, session: OneToOneSession, creatorAmount: BigInt, fee: BigInt): void {
  if (creatorAmount.isZero()) return;
  const id = eventId(event);
  const payment = new Payment(id);
  payment.kind = "ONE_TO_ONE";
  payment.creator = session.creator;
  payment.fan = session.fan;
  payment.source = "MESI";
  payment.amount = creatorAmount;
  payment.fee = fee;
  payment.session = session.id;
  payment.blockNumber = event.block.number;
  payment.timestamp = event.block.timestamp;
  payment.transactionHash = event.transaction.hash;
  payment.save();
  const creatorAddress = Address.fromBytes(session.creator);
  const creator = loadCreator(creatorAddress, event.block);
  creator.oneToOneVolume = creator.oneToOneVolume.plus(creatorAmount);
  creator.save();
  countPayment(creatorAddress, Address.fromBytes(session.fan), creatorAmount, event.block);
  const day = loadCreatorDay(creatorAddress, event.block);
  day.oneToOneVolume = day.oneToOneVolume.plus(creatorAmount);
  day.save();
}

export function handleSessionReleased(event: SessionReleased): void {
  const session = OneToOneSession.load(counterId(event.params.sessionId));
  if (session == null) return;
  session.status = "RELEASED";
  session.creatorAmount = event.params.amount;
  session.fee = event.params.fee;
  session.closedAt = event.block.timestamp;
  session.save();
  recordStep(event, session, "RELEASED", event.params.amount, event.params.fee);
  recordMovement(event, session, "PAID_OUT", event.params.amount, event.params.fee, ZERO);
  recordPayout(event, session, event.params.amount, event.params.fee);
}

export function handleSessionResolved(event: SessionResolved): void {
  const p = event.params;
  const session = OneToOneSession.load(counterId(p.sessionId));
  if (session == null) return;
  session.status = "RESOLVED";
  session.creatorBps = p.creatorBps;
  session.creatorAmount = p.creatorAmount;
  session.fanAmount = p.fanAmount;
  session.fee = p.fee;
  session.moderator = p.moderator;
  session.noteHash = p.noteHash;
  session.closedAt = event.block.timestamp;
  session.save();
  recordStep(event, session, "RESOLVED", p.creatorAmount, p.fee);
  recordMovement(event, session, "PAID_OUT", p.creatorAmount, p.fee, p.fanAmount);
  recordPayout(event, session, p.creatorAmount, p.fee);
}

export function handleRequestTtlUpdated(event: RequestTtlUpdated): void {
  recordParameterChange(
    event,
    "RequestTtlUpdated",
    event.params.oldSeconds.toString(),
    event.params.newSeconds.toString(),
  );
}

export function handleDisputeWindowUpdated(event: DisputeWindowUpdated): void {
  recordParameterChange(
    event,
    "DisputeWindowUpdated",
    event.params.oldSeconds.toString(),
    event.params.newSeconds.toString(),
  );
}
