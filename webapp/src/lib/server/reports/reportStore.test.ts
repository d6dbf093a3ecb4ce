import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { evidenceHash, fileHash } from "$lib/reports";

import { ReportFileError, ReportStore } from "./reportStore";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const reporter = "0x00000000000000000000000000000000000000AA" as const;
const subject = "0x00000000000000000000000000000000000000bb" as const;

describe("ReportStore (real SQLite file and files on disk)", () => {
  let dir: string;
  let store: ReportStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mesi-reports-"));
    store = new ReportStore({ dataDir: dir, now: () => 1_000 });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores text and screenshots and commits to them with the evidence hash; survives a reopen", () => {
    const report = store.create({
      reporter,
      subject,
      target: { kind: "session", ref: "42" },
      text: " Rude. Left early. ",
      files: [PNG],
    });
    expect(report.evidenceHash).toBe(
      evidenceHash({
        text: "Rude. Left early.",
        files: [{ hash: fileHash(PNG), type: "image/png", size: PNG.length }],
      }),
    );
    store.close();
    store = new ReportStore({ dataDir: dir });
    const again = store.get(report.id)!;
    expect(again).toEqual(report);
    expect(store.recomputeHash(again)).toBe(report.evidenceHash);
    expect(store.listByReporter(reporter).map((r) => r.id)).toEqual([report.id]);
    expect(store.file(again, fileHash(PNG))?.type).toBe("image/png");
  });

  it("finds a report by the evidence hash a dispute carries on chain, in any hex case", () => {
    const report = store.create({
      reporter,
      subject,
      target: { kind: "session", ref: "7" },
      text: "Blocked me.",
      files: [],
    });
    expect(store.findByEvidenceHash(report.evidenceHash.toUpperCase().replace("0X", "0x") as `0x${string}`)?.id).toBe(
      report.id,
    );
    expect(store.findByEvidenceHash(`0x${"00".repeat(32)}`)).toBeNull();
  });

  it("refuses a file that is not really an image, storing nothing", () => {
    expect(() =>
      store.create({
        reporter,
        subject,
        target: { kind: "session", ref: "1" },
        text: "renamed pdf",
        files: [new TextEncoder().encode("%PDF-1.7")],
      }),
    ).toThrow(ReportFileError);
    expect(readdirSync(join(dir, "report-files"))).toEqual([]);
    expect(store.listByReporter(reporter)).toEqual([]);
  });

  it("notices a screenshot changed on disk: the recomputed hash no longer matches", () => {
    const report = store.create({
      reporter,
      subject,
      target: { kind: "payment", ref: "0x01" },
      text: "tampered evidence",
      files: [PNG],
    });
    const [name] = readdirSync(join(dir, "report-files"));
    writeFileSync(join(dir, "report-files", name!), new Uint8Array([...PNG, 9]));
    expect(store.file(report, report.files[0]!.hash)).toBeNull();
    expect(store.recomputeHash(report)).not.toBe(report.evidenceHash);
  });
});
