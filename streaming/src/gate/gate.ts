// The access gate: turns a request (stream id, access key, invite) into the
// one decision, reading only the index cache. Used by the Livepeer webhook,
// the local media server, the page's own check and the removal watcher.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

import type { Address, Hex } from "viem";

import type { GroupMembership } from "../groups/groupMembership.ts";
import type { CacheFreshness, IndexCache, Logger } from "../index/indexCache.ts";
import { AccessKeyError, verifyAccessKey } from "./accessKey.ts";
import { decideAccess, type AccessDecision, type CheckedInvite } from "./decideAccess.ts";
import { InviteFormatError, readInvite, revocationSigner, type InviteDomain } from "./invite.ts";

/** A decision as the gate answers it: the decision, or why no decision could be made; always with the index's age. */
export type GateAnswer = (
  | AccessDecision
  | { readonly allow: false; readonly reason: "unknown_stream" | "index_unavailable" }
  | { readonly allow: false; readonly reason: "bad_access_key"; readonly keyProblem: AccessKeyError["reason"] }
) & {
  readonly streamId: string;
  /** The wallet decided for (null: no key). */
  readonly viewer: Address | null;
  readonly index: CacheFreshness;
};

export class GateInputError extends Error {
  override readonly name = "GateInputError";
}

export interface AccessGateOptions {
  readonly cache: IndexCache;
  /** Shared with the webapp's server, which mints the access keys. */
  readonly secret: string;
  readonly inviteDomain: InviteDomain;
  readonly logger: Logger;
  /**
   * JSON-lines file that keeps invite revocations across restarts (read at construction, appended on revoke).
   * Absent: revocations live in memory only. Several gate instances need a shared store instead.
   */
  readonly revocationsFile?: string;
  /** Members of the messenger groups streams were switched from; absent: no stream has a group criterion. */
  readonly groups?: GroupMembership;
}

interface Redemption {
  readonly id: Hex;
  readonly invite: Omit<CheckedInvite, "revoked">;
}

export class AccessGate {
  readonly cache: IndexCache;
  readonly #options: AccessGateOptions;
  /** Invites presented once by a wallet for a stream, kept until they expire: `${streamId}:${wallet}`. */
  readonly #redeemed = new Map<string, Redemption>();
  readonly #revoked = new Set<string>();
  /** Called after a revocation so watchers re-decide at once. */
  onRevocation: (() => void) | undefined;
  /** Called after a group's members changed so watchers re-decide at once. */
  set onGroupChange(listener: (() => void) | undefined) {
    if (this.#options.groups !== undefined) this.#options.groups.onChange = listener;
  }

  constructor(options: AccessGateOptions) {
    this.cache = options.cache;
    this.#options = options;
    if (options.revocationsFile !== undefined && existsSync(options.revocationsFile)) {
      for (const line of readFileSync(options.revocationsFile, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const { id } = JSON.parse(line) as { id: string };
        this.#revoked.add(id);
      }
    }
  }

  /** Parses a decimal stream id; throws {@link GateInputError}. */
  static streamIdOf(value: unknown): bigint {
    const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text !== "string" || !/^[1-9]\d{0,76}$/.test(text)) {
      throw new GateInputError(`stream id must be a positive decimal integer, got ${JSON.stringify(value)}`);
    }
    return BigInt(text);
  }

  /** Decides for the holder of `accessKey` (none: a viewer without a wallet). */
  decideForKey(streamId: bigint, accessKey: string | undefined | null): GateAnswer {
    if (accessKey === undefined || accessKey === null || accessKey === "") return this.decideFor(streamId, null);
    try {
      const claims = verifyAccessKey(accessKey, streamId, this.#options.secret, Math.floor(Date.now() / 1000));
      return this.decideFor(streamId, claims.address);
    } catch (error) {
      if (!(error instanceof AccessKeyError)) throw error;
      return {
        allow: false,
        reason: "bad_access_key",
        keyProblem: error.reason,
        streamId: streamId.toString(),
        viewer: null,
        index: this.cache.freshness(),
      };
    }
  }

  /** Decides for a wallet already authenticated (or null). Never allows without a loaded index. */
  decideFor(streamId: bigint, viewer: Address | null): GateAnswer {
    const base = { streamId: streamId.toString(), viewer, index: this.cache.freshness() };
    if (!this.cache.loaded) return { allow: false, reason: "index_unavailable", ...base };
    const stream = this.cache.stream(streamId);
    if (stream === undefined) return { allow: false, reason: "unknown_stream", ...base };
    const now = this.cache.now();
    const redemption = viewer === null ? undefined : this.#redeemed.get(`${streamId}:${viewer.toLowerCase()}`);
    const invite =
      redemption === undefined ? null : { ...redemption.invite, revoked: this.#revoked.has(redemption.id) };
    const groups = this.#options.groups;
    const group = groups?.linkOf(streamId, stream.creator) ?? null;
    const facts = this.cache.viewerFacts(stream, viewer, invite);
    const decided =
      group === null
        ? decideAccess(stream, facts, now)
        : decideAccess({ ...stream, group }, { ...facts, groupMember: groups!.isMember(streamId, viewer) }, now);
    return { ...decided, ...base };
  }

  /**
   * A signed-in wallet presents an invite link; the gate keeps it for the wallet and the invite's stream until it
   * expires and answers the decision with it. Throws {@link GateInputError} for a malformed invite or a bad key.
   */
  async redeemInvite(inviteToken: string, accessKeyFor: (streamId: bigint) => Address): Promise<GateAnswer> {
    let invite;
    try {
      invite = await readInvite(inviteToken, this.#options.inviteDomain);
    } catch (error) {
      if (error instanceof InviteFormatError) throw new GateInputError(error.message);
      throw error;
    }
    const wallet = accessKeyFor(invite.streamId);
    const { id, ...claims } = invite;
    this.#redeemed.set(`${invite.streamId}:${wallet.toLowerCase()}`, { id, invite: claims });
    this.#forgetExpired();
    return this.decideFor(invite.streamId, wallet);
  }

  /** Revokes one invite; `signature` must be the stream's invite signer's or its creator's. */
  async revokeInvite(streamId: bigint, id: Hex, signature: Hex): Promise<void> {
    const stream = this.cache.stream(streamId);
    if (stream === undefined) throw new GateInputError(`unknown stream ${streamId}`);
    let signer: Address;
    try {
      signer = await revocationSigner(this.#options.inviteDomain, { streamId, id }, signature);
    } catch {
      throw new GateInputError("revocation signature is malformed");
    }
    const allowed = [stream.rules.inviteSigner, stream.creator].map((a) => a.toLowerCase());
    if (!allowed.includes(signer.toLowerCase())) {
      throw new GateInputError(`revocation signed by ${signer}, neither the invite signer nor the creator`);
    }
    if (this.#options.revocationsFile !== undefined) {
      mkdirSync(dirname(this.#options.revocationsFile), { recursive: true });
      appendFileSync(
        this.#options.revocationsFile,
        `${JSON.stringify({ streamId: streamId.toString(), id, by: signer })}\n`,
      );
    }
    this.#revoked.add(id);
    this.#options.logger.info({ streamId: streamId.toString(), id }, "invite revoked");
    this.onRevocation?.();
  }

  #forgetExpired(): void {
    const now = this.cache.now();
    for (const [key, redemption] of this.#redeemed) if (redemption.invite.expiresAt <= now) this.#redeemed.delete(key);
  }
}
