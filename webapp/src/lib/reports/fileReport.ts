// Filing a report end to end in the browser: the evidence to the webapp's server (which answers with the hash of
// what it stored), the same hash computed here from the same text and bytes, then the hash on chain — the escrow's
// `report` for a call still in its dispute window (freezes the payment), else AbuseReports.fileReport.
import { waitForTransactionReceipt, writeContract, type Config } from "@wagmi/core";
import type { Deployment } from "@mesi/deployments";
import { pad, toHex, type Address, type Hex } from "viem";

import { RelayerRequestError } from "$lib/errors";

import { evidenceHash, fileHash, type EvidenceFile } from "./evidence";

export interface StoredEvidence {
  readonly id: string;
  readonly evidenceHash: Hex;
}

/** The evidence hash of `text` and `files` as the server will compute it (types from the bytes' own claim). */
export async function localEvidenceHash(text: string, files: readonly File[]): Promise<Hex> {
  const entries: EvidenceFile[] = await Promise.all(
    files.map(async (f) => ({ hash: fileHash(new Uint8Array(await f.arrayBuffer())), type: f.type, size: f.size })),
  );
  return evidenceHash({ text: text.trim().normalize("NFC"), files: entries });
}

export async function uploadEvidence(form: {
  subject: Address;
  target: { kind: "session" | "payment" | "conversation"; ref: string };
  text: string;
  files: readonly File[];
  /** A conversation report: the conversation's id (the server checks the reporter is in it). */
  conversationId?: string | null;
}): Promise<StoredEvidence> {
  const body = new FormData();
  body.set("subject", form.subject);
  body.set("targetKind", form.target.kind);
  body.set("targetRef", form.target.ref);
  body.set("text", form.text);
  if (form.conversationId) body.set("conversationId", form.conversationId);
  for (const file of form.files) body.append("files", file);
  const response = await fetch("/api/reports", { method: "POST", body, credentials: "same-origin" });
  const json = (await response.json().catch(() => ({}))) as { message?: string } & Partial<StoredEvidence>;
  if (!response.ok) throw new RelayerRequestError(response.status, "report_refused", json.message ?? "report refused");
  return { id: json.id!, evidenceHash: json.evidenceHash! };
}

export interface OnChainReport {
  readonly wagmi: Config;
  readonly mesi: Deployment;
  readonly chainId: number;
  readonly subject: Address;
  readonly category: number;
  readonly target: { kind: "session" | "payment" | "conversation"; ref: string };
  readonly evidenceHash: Hex;
  /** For a call in its dispute window: the escrow's report with the session's record (freezes the funds). */
  readonly escrowReport?: () => Promise<Hex>;
}

export async function reportOnChain(report: OnChainReport): Promise<Hex> {
  let hash: Hex;
  if (report.escrowReport !== undefined) hash = await report.escrowReport();
  else {
    const relatedRef =
      report.target.kind === "session" ? pad(toHex(BigInt(report.target.ref))) : (report.target.ref as Hex);
    hash = await writeContract(report.wagmi, {
      ...report.mesi.AbuseReports,
      chainId: report.chainId,
      functionName: "fileReport",
      args: [report.subject, report.category, relatedRef, report.evidenceHash],
    });
    const receipt = await waitForTransactionReceipt(report.wagmi, { hash, chainId: report.chainId });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  }
  return hash;
}

export async function recordReportTransaction(id: string, txHash: Hex): Promise<void> {
  await fetch(`/api/reports/${encodeURIComponent(id)}/tx`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ txHash }),
  });
}
