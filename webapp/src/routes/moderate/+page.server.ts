// The moderation queue: disputed one-to-ones and open abuse reports from the index, with the on-chain facts, and
// the decisions taken. Evidence (the reporter's text and screenshots) and moderators' notes are private: they are
// loaded only for a signed-in wallet that holds MODERATOR_ROLE on chain; everyone else sees the queue read-only.
import { mesiContracts } from "$lib/contracts/mesi";
import { graphRequest } from "$lib/graph/client";
import { BlockChangesQuery, ModerationQueueQuery, type BlockChangeRow } from "$lib/moderation/queries";
import { sessionFacts } from "$lib/moderation/sessionFacts";
import { serverConfig } from "$lib/server/config";
import { noteStore, type NoteSubject } from "$lib/server/moderation";
import { isModerator, reportStore } from "$lib/server/reports";

import type { PageServerLoad } from "./$types";

export interface EvidenceView {
  readonly reportId: string;
  readonly text: string;
  readonly files: readonly {
    readonly hash: string;
    readonly type: string;
    readonly size: number;
    readonly url: string;
  }[];
  /** The stored evidence still hashes to what is on chain. */
  readonly intact: boolean;
  readonly createdAt: number;
}

function evidenceFor(hash: `0x${string}` | null): EvidenceView | null {
  if (hash === null) return null;
  const store = reportStore();
  const report = store.findByEvidenceHash(hash);
  if (report === null) return null;
  return {
    reportId: report.id,
    text: report.text,
    files: report.files.map((f) => ({
      ...f,
      url: `/api/reports/${encodeURIComponent(report.id)}/files/${f.hash}`,
    })),
    intact: store.recomputeHash(report) === hash.toLowerCase(),
    createdAt: report.createdAt,
  };
}

export const load: PageServerLoad = async ({ locals, fetch, setHeaders }) => {
  setHeaders({ "cache-control": "private, no-store" });
  const config = serverConfig().public;
  const viewer = locals.session;
  const moderator = viewer === null ? false : await isModerator(viewer.address).catch(() => false);
  const queue = await graphRequest(
    config.indexerUrl,
    ModerationQueueQuery,
    { vault: mesiContracts(config).MesiVault.address.toLowerCase() },
    { fetch },
  ).catch(() => null);
  if (queue === null) {
    return { viewer, moderator, unavailable: true as const, feeBps: 0n, disputes: [], reports: [], history: [] };
  }
  const pairs = [...queue.disputed, ...queue.resolved];
  const changes: BlockChangeRow[] =
    pairs.length === 0
      ? []
      : await graphRequest(
          config.indexerUrl,
          BlockChangesQuery,
          {
            creators: [...new Set(pairs.map((s) => s.creator.id.toLowerCase()))],
            fans: [...new Set(pairs.map((s) => s.fan.id.toLowerCase()))],
          },
          { fetch },
        )
          .then((d) => d.blockChanges)
          .catch(() => []);
  const note = (hash: `0x${string}` | null, subject: NoteSubject) =>
    moderator && hash !== null ? (noteStore().find(hash, subject)?.text ?? null) : null;

  const disputes = queue.disputed.map((session) => ({
    session,
    facts: sessionFacts(session, changes),
    evidence: moderator ? evidenceFor(session.evidenceHash) : null,
  }));
  const reports = queue.openReports.map((report) => ({
    report,
    evidence: moderator ? evidenceFor(report.evidenceHash) : null,
  }));
  const history = [
    ...queue.resolved.map((session) => ({
      kind: "session" as const,
      id: session.sessionId,
      at: Number(session.closedAt ?? 0),
      session,
      facts: sessionFacts(session, changes),
      note: note(session.noteHash, { kind: "session", ref: session.sessionId }),
    })),
    ...queue.closedReports.map((report) => ({
      kind: "report" as const,
      id: report.reportId,
      at: Number(report.resolution?.timestamp ?? report.filedAt),
      report,
      note: note(report.resolution?.noteHash ?? null, { kind: "report", ref: report.reportId }),
    })),
  ].sort((a, b) => b.at - a.at);

  return {
    viewer,
    moderator,
    unavailable: false as const,
    feeBps: BigInt(queue.vault?.feeBps ?? "0"),
    disputes,
    reports,
    history,
  };
};
