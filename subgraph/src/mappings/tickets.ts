// MesiTickets: sales, purchases, ticket-only switches and ERC-1155 holdings.
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";

import {
  Payment,
  Stream,
  TicketHolding,
  TicketOnlySwitch,
  TicketPurchase,
  TicketSale,
  TicketSaleEvent,
  TicketTransfer,
} from "../../generated/schema";
import {
  SaleClosed,
  SaleConfigured,
  TicketOnlySet,
  TicketsPurchased,
  TicketsRevoked,
  TransferBatch,
  TransferSingle,
} from "../../generated/MesiTickets/MesiTickets";
import { countPayment, loadCreator, loadCreatorDay, loadFan, ZERO } from "../common/entities";
import { paymentSourceName } from "../common/enums";
import { counterId, eventId, eventItemId, isZeroBytes, uint256Bytes } from "../common/ids";

function loadSale(streamId: BigInt, creator: Address): TicketSale {
  const id = counterId(streamId);
  let sale = TicketSale.load(id);
  if (sale == null) {
    sale = new TicketSale(id);
    sale.stream = id;
    sale.creator = creator;
    sale.price = ZERO;
    sale.supply = ZERO;
    sale.sold = ZERO;
    sale.transferable = false;
    sale.endsAt = ZERO;
    sale.closed = false;
    sale.ticketOnly = false;
    sale.revenue = ZERO;
    sale.fees = ZERO;
  }
  return sale;
}

function saleEvent(event: ethereum.Event, streamId: BigInt, kind: string): TicketSaleEvent {
  const record = new TicketSaleEvent(eventId(event));
  record.sale = counterId(streamId);
  record.kind = kind;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  return record;
}

export function handleSaleConfigured(event: SaleConfigured): void {
  const p = event.params;
  const sale = loadSale(p.streamId, p.creator);
  sale.price = p.price;
  sale.supply = BigInt.fromU64(p.supply.toU64());
  sale.transferable = p.transferable;
  sale.endsAt = p.endsAt;
  sale.save();
  const stream = Stream.load(counterId(p.streamId));
  if (stream != null) {
    stream.sale = sale.id;
    stream.save();
  }
  const record = saleEvent(event, p.streamId, "CONFIGURED");
  record.price = p.price;
  record.supply = p.supply;
  record.transferable = p.transferable;
  record.endsAt = p.endsAt;
  record.save();
}

export function handleSaleClosed(event: SaleClosed): void {
  const p = event.params;
  const sale = loadSale(p.streamId, p.creator);
  sale.closed = true;
  sale.sold = p.sold;
  sale.save();
  const record = saleEvent(event, p.streamId, "CLOSED");
  record.sold = p.sold;
  record.save();
}

export function handleTicketsPurchased(event: TicketsPurchased): void {
  const p = event.params;
  const id = eventId(event);
  const source = paymentSourceName(p.source);
  const paymentRef = p.paymentRef;
  const hasRef = !isZeroBytes(paymentRef);

  const purchase = new TicketPurchase(id);
  purchase.sale = counterId(p.streamId);
  purchase.stream = counterId(p.streamId);
  purchase.creator = p.creator;
  purchase.buyer = p.buyer;
  purchase.quantity = p.quantity;
  purchase.totalPrice = p.totalPrice;
  purchase.fee = p.fee;
  purchase.source = source;
  purchase.paymentRef = hasRef ? paymentRef : null;
  purchase.soldAfter = p.soldAfter;
  purchase.blockNumber = event.block.number;
  purchase.timestamp = event.block.timestamp;
  purchase.transactionHash = event.transaction.hash;
  purchase.save();

  const sale = loadSale(p.streamId, p.creator);
  // Within one transaction a purchase may be logged out of order (a buyer contract buying again from its
  // acceptance hook, on contracts deployed before the tickets logged before minting): the count only grows here.
  if (p.soldAfter.gt(sale.sold)) sale.sold = p.soldAfter;
  sale.revenue = sale.revenue.plus(p.totalPrice);
  sale.fees = sale.fees.plus(p.fee);
  sale.save();

  const payment = new Payment(id);
  payment.kind = "TICKET";
  payment.creator = p.creator;
  payment.fan = p.buyer;
  payment.source = source;
  payment.amount = p.totalPrice;
  payment.fee = p.fee;
  payment.paymentRef = hasRef ? paymentRef : null;
  payment.ticketPurchase = id;
  payment.blockNumber = event.block.number;
  payment.timestamp = event.block.timestamp;
  payment.transactionHash = event.transaction.hash;
  payment.save();

  const creator = loadCreator(p.creator, event.block);
  creator.ticketsSold = creator.ticketsSold.plus(p.quantity);
  creator.ticketVolume = creator.ticketVolume.plus(p.totalPrice);
  creator.save();
  countPayment(p.creator, p.buyer, p.totalPrice, event.block);
  const day = loadCreatorDay(p.creator, event.block);
  day.ticketsSold = day.ticketsSold.plus(p.quantity);
  day.ticketVolume = day.ticketVolume.plus(p.totalPrice);
  day.save();
}

export function handleTicketsRevoked(event: TicketsRevoked): void {
  const p = event.params;
  const sale = loadSale(p.streamId, p.creator);
  sale.sold = p.soldAfter;
  sale.save();
  const record = saleEvent(event, p.streamId, "REVOKED");
  record.sold = p.soldAfter;
  record.save();
}

export function handleTicketOnlySet(event: TicketOnlySet): void {
  const p = event.params;
  const record = new TicketOnlySwitch(eventId(event));
  record.stream = counterId(p.streamId);
  record.creator = p.creator;
  record.enabled = p.enabled;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();
  const sale = loadSale(p.streamId, p.creator);
  sale.ticketOnly = p.enabled;
  sale.save();
  const stream = Stream.load(counterId(p.streamId));
  if (stream != null) {
    stream.ticketOnly = p.enabled;
    stream.save();
  }
}

function moveTickets(
  event: ethereum.Event,
  index: i32,
  operator: Address,
  from: Address,
  to: Address,
  tokenId: BigInt,
  value: BigInt,
): void {
  const transfer = new TicketTransfer(eventItemId(event, index));
  transfer.stream = counterId(tokenId);
  transfer.operator = operator;
  transfer.from = from;
  transfer.to = to;
  transfer.value = value;
  transfer.blockNumber = event.block.number;
  transfer.timestamp = event.block.timestamp;
  transfer.transactionHash = event.transaction.hash;
  transfer.save();
  if (from.notEqual(Address.zero())) adjustHolding(event, tokenId, from, value.neg());
  if (to.notEqual(Address.zero())) adjustHolding(event, tokenId, to, value);
}

function adjustHolding(event: ethereum.Event, tokenId: BigInt, holder: Address, delta: BigInt): void {
  const id = uint256Bytes(tokenId).concat(holder);
  let holding = TicketHolding.load(id);
  if (holding == null) {
    holding = new TicketHolding(id);
    holding.stream = counterId(tokenId);
    holding.holder = holder;
    holding.balance = ZERO;
    loadFan(holder, event.block).save();
  }
  holding.balance = holding.balance.plus(delta);
  holding.updatedAtBlock = event.block.number;
  holding.save();
}

export function handleTransferSingle(event: TransferSingle): void {
  const p = event.params;
  moveTickets(event, 0, p.operator, p.from, p.to, p.id, p.value);
}

export function handleTransferBatch(event: TransferBatch): void {
  const p = event.params;
  const ids = p.ids;
  const values = p.values;
  for (let i = 0; i < ids.length; i++) {
    moveTickets(event, i, p.operator, p.from, p.to, ids[i], values[i]);
  }
}
