// KyfRegistry: attestations and disclosure consents (never the data itself).
import { Address, ethereum } from "@graphprotocol/graph-ts";

import { KyfAttestation, KyfAttestationEvent, KyfDisclosure, KyfDisclosureEvent } from "../../generated/schema";
import {
  AttestationRevoked,
  Attested,
  ConsentWindowUpdated,
  DisclosureConsentRevoked,
  DisclosureConsented,
  DisclosureRequested,
} from "../../generated/KyfRegistry/KyfRegistry";
import { loadCreator, loadFan } from "../common/entities";
import { eventId, pairId } from "../common/ids";
import { recordParameterChange } from "../common/parameters";

export function handleAttested(event: Attested): void {
  const p = event.params;
  let attestation = KyfAttestation.load(p.wallet);
  if (attestation == null) attestation = new KyfAttestation(p.wallet);
  attestation.level = p.level;
  attestation.expiresAt = p.expiresAt;
  attestation.verifier = p.verifier;
  attestation.revoked = false;
  attestation.attestedAt = event.block.timestamp;
  attestation.save();

  const record = new KyfAttestationEvent(eventId(event));
  record.attestation = p.wallet;
  record.kind = "ATTESTED";
  record.level = p.level;
  record.expiresAt = p.expiresAt;
  record.verifier = p.verifier;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();
}

export function handleAttestationRevoked(event: AttestationRevoked): void {
  const p = event.params;
  const attestation = KyfAttestation.load(p.wallet);
  if (attestation != null) {
    attestation.level = 0;
    attestation.revoked = true;
    attestation.save();
  }
  const record = new KyfAttestationEvent(eventId(event));
  record.attestation = p.wallet;
  record.kind = "REVOKED";
  record.verifier = p.verifier;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();
}

function recordDisclosureStep(event: ethereum.Event, creator: Address, fan: Address, kind: string, level: i32): void {
  const record = new KyfDisclosureEvent(eventId(event));
  record.disclosure = pairId(creator, fan);
  record.kind = kind;
  if (kind == "CONSENTED") record.level = level;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.save();
}

export function handleDisclosureRequested(event: DisclosureRequested): void {
  const p = event.params;
  loadCreator(p.creator, event.block).save();
  loadFan(p.fan, event.block).save();
  const id = pairId(p.creator, p.fan);
  let disclosure = KyfDisclosure.load(id);
  if (disclosure == null) {
    disclosure = new KyfDisclosure(id);
    disclosure.creator = p.creator;
    disclosure.fan = p.fan;
  }
  disclosure.requestedAt = p.requestedAt;
  disclosure.deadline = p.deadline;
  disclosure.consented = false;
  disclosure.consentedAt = null;
  disclosure.level = 0;
  disclosure.unset("level");
  disclosure.latestStep = "REQUESTED";
  disclosure.save();
  recordDisclosureStep(event, p.creator, p.fan, "REQUESTED", 0);
}

export function handleDisclosureConsented(event: DisclosureConsented): void {
  const p = event.params;
  const disclosure = KyfDisclosure.load(pairId(p.creator, p.fan));
  if (disclosure != null) {
    disclosure.consented = true;
    disclosure.consentedAt = p.consentedAt;
    disclosure.level = p.level;
    disclosure.latestStep = "CONSENTED";
    disclosure.save();
  }
  recordDisclosureStep(event, p.creator, p.fan, "CONSENTED", p.level);
}

export function handleDisclosureConsentRevoked(event: DisclosureConsentRevoked): void {
  const p = event.params;
  const disclosure = KyfDisclosure.load(pairId(p.creator, p.fan));
  if (disclosure != null) {
    disclosure.consented = false;
    disclosure.latestStep = "CONSENT_REVOKED";
    disclosure.save();
  }
  recordDisclosureStep(event, p.creator, p.fan, "CONSENT_REVOKED", 0);
}

export function handleConsentWindowUpdated(event: ConsentWindowUpdated): void {
  recordParameterChange(
    event,
    "ConsentWindowUpdated",
    event.params.oldSeconds.toString(),
    event.params.newSeconds.toString(),
  );
}
