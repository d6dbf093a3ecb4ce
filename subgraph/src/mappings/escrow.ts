// OneToOneEscrow: sessions through their lifecycle. Money movements are in the
// vault's EscrowFunded / EscrowPaidOut; here the session's story.
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";

import { OneToOneSession, Payment, SessionEvent } from "../../generated/schema";
import {
  DisputeWindowUpdated,
  RequestTtlUpdated,
  SessionAccepted,
  SessionDisputed,
  SessionKyfRequested,
  SessionRefunded,
  SessionReleased,
  SessionRequested,
  SessionResolved,
} from "../../generated/OneToOneEscrow/OneToOneEscrow";
import { countPayment, loadCreator, loadCreatorDay, loadFan } from "../common/entities";
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

export function handleSessionRequested(event: SessionRequested): void {
  const p = event.params;
  loadCreator(p.creator, event.block).save();
  loadFan(p.fan, event.block).save();
  const session = new OneToOneSession(counterId(p.sessionId));
  session.sessionId = p.sessionId;
  session.fan = p.fan;
  session.creator = p.creator;
  session.amount = p.amount;
  session.minutes = p.minutes_;
  session.status = "REQUESTED";
  session.requestedAt = event.block.timestamp;
  session.expiresAt = p.expiresAt;
  session.save();
  recordStep(event, session, "REQUESTED", p.amount, null);
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
}

export function handleSessionKyfRequested(event: SessionKyfRequested): void {
  const session = OneToOneSession.load(counterId(event.params.sessionId));
  if (session == null) return;
  session.kyfDeadline = event.params.deadline;
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
