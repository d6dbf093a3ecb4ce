// Where a fan's one-to-one stands, for the status card: the state, the deadline a countdown runs to, and which
// actions the fan has (cancel before acceptance, consent to KYF when asked, report within the dispute window).
import type { SessionRow } from "$lib/graph/types";

export type SessionStage =
  | "waiting"
  | "kyf"
  | "accepted"
  | "ended"
  | "declined"
  | "cancelled"
  | "expired"
  | "disputed"
  | "released"
  | "resolved";

export interface SessionView {
  readonly stage: SessionStage;
  /** Unix seconds the countdown runs to (answer, consent, end of call, end of the dispute window), if any. */
  readonly until: number | null;
  readonly canCancel: boolean;
  readonly canConsent: boolean;
  readonly canReport: boolean;
  /** Still open: the fan can't request another session with this creator. */
  readonly open: boolean;
}

const n = (value: string | null) => (value === null ? 0 : Number(value));

export function sessionView(session: SessionRow, nowSeconds: number): SessionView {
  const closed = { until: null, canCancel: false, canConsent: false, canReport: false, open: false } as const;
  switch (session.status) {
    case "REQUESTED": {
      const kyfDeadline = n(session.kyfDeadline);
      const expiresAt = Math.max(n(session.expiresAt), kyfDeadline);
      if (expiresAt <= nowSeconds) return { ...closed, stage: "expired", open: true, canCancel: true };
      if (kyfDeadline > 0) {
        return { stage: "kyf", until: kyfDeadline, canCancel: true, canConsent: true, canReport: false, open: true };
      }
      return { stage: "waiting", until: expiresAt, canCancel: true, canConsent: false, canReport: false, open: true };
    }
    case "ACCEPTED": {
      const endsAt = n(session.endsAt);
      const disputeEndsAt = n(session.disputeEndsAt);
      if (nowSeconds < endsAt) {
        return { stage: "accepted", until: endsAt, canCancel: false, canConsent: false, canReport: true, open: true };
      }
      const canReport = nowSeconds <= disputeEndsAt;
      return {
        stage: "ended",
        until: canReport ? disputeEndsAt : null,
        canCancel: false,
        canConsent: false,
        canReport,
        open: true,
      };
    }
    case "DISPUTED":
      return { ...closed, stage: "disputed", open: true };
    case "DECLINED":
      return { ...closed, stage: "declined" };
    case "CANCELLED":
      return { ...closed, stage: "cancelled" };
    case "EXPIRED":
    case "KYF_EXPIRED":
      return { ...closed, stage: "expired" };
    case "RELEASED":
      return { ...closed, stage: "released" };
    case "RESOLVED":
      return { ...closed, stage: "resolved" };
  }
}

/** Where a session stands for its creator, in the studio. */
export type CreatorSessionStage =
  "incoming" | "kyf" | "unanswered" | "running" | "inDisputeWindow" | "releasable" | "disputed" | "closed";

export interface CreatorSessionView {
  readonly stage: CreatorSessionStage;
  /** Unix seconds the countdown runs to (answer, end of the call, release possible), if any. */
  readonly until: number | null;
  readonly canAccept: boolean;
  readonly canDecline: boolean;
  /** The escrow's `release` succeeds: the dispute window has passed (`now > disputeEndsAt`) and no report froze it. */
  readonly canRelease: boolean;
  /** Unanswered past its time: the escrow's `expire` (anyone may call it) refunds the fan. */
  readonly canExpire: boolean;
}

/**
 * The creator's side of {@link sessionView}: answer a request before it expires, watch the call, then release once
 * the dispute window has passed. `nowSeconds` should be the chain's time (release is judged by the block's time).
 */
export function creatorSessionView(session: SessionRow, nowSeconds: number): CreatorSessionView {
  const none = { until: null, canAccept: false, canDecline: false, canRelease: false, canExpire: false } as const;
  switch (session.status) {
    case "REQUESTED": {
      const kyfDeadline = n(session.kyfDeadline);
      const expiresAt = Math.max(n(session.expiresAt), kyfDeadline);
      // Past its time only `expire` works (a refund anyone may trigger); the creator can no longer answer.
      if (expiresAt <= nowSeconds) return { ...none, stage: "unanswered", canExpire: true };
      return {
        stage: kyfDeadline > 0 ? "kyf" : "incoming",
        until: expiresAt,
        canAccept: true,
        canDecline: true,
        canRelease: false,
        canExpire: false,
      };
    }
    case "ACCEPTED": {
      const endsAt = n(session.endsAt);
      const disputeEndsAt = n(session.disputeEndsAt);
      if (nowSeconds < endsAt) return { ...none, stage: "running", until: endsAt };
      // The escrow releases only strictly after the window's last second.
      if (nowSeconds <= disputeEndsAt) return { ...none, stage: "inDisputeWindow", until: disputeEndsAt + 1 };
      return { ...none, stage: "releasable", canRelease: true };
    }
    case "DISPUTED":
      return { ...none, stage: "disputed" };
    default:
      return { ...none, stage: "closed" };
  }
}
