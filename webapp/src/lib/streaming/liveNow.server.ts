// The Live now directory on the server: the gate's list of live streams (mode, one-to-one end, viewers), the media
// server's broadcast start times, titles and creators' profiles from the index, and — for a signed-in viewer —
// whether each non-public stream would admit them (the same gate decision the player meets).
import { mintAccessKey } from "@mesi/streaming/access-key";
import type { Address } from "viem";

import { graphRequest, IndexerError } from "$lib/graph/client";
import { loadProfile, loadStreamTitle } from "$lib/profiles/loadProfile";
import type { Session } from "$lib/server/session";
import { serverConfig } from "$lib/server/config";

import { LiveCreatorsQuery } from "./queries";
import type { DirectoryStream, GateAnswer, StreamMode } from "./types";

export interface LiveCard {
  readonly streamId: string;
  readonly title: string;
  readonly creator: string;
  readonly creatorName: string;
  readonly creatorHandle: string | null;
  readonly picture: string | null;
  readonly mode: StreamMode;
  readonly isPrivate: boolean;
  readonly viewers: number;
  /** Epoch ms the broadcast started (null: marked live on-chain, video not arrived yet). */
  readonly since: number | null;
  /** Unix seconds. */
  readonly oneToOneEndsAt: number | null;
  /** For a signed-in viewer on a non-public stream: whether the gate admits them now (null: not asked). */
  readonly canJoin: boolean | null;
}

export type LiveNow = {
  readonly streams: LiveCard[];
  readonly unavailable: boolean;
  /** The last block the gate's directory reflects (it follows the index by one of its polls); null: not known. */
  readonly indexedBlock: number | null;
};

async function getJson<T>(fetcher: typeof fetch, url: string, init?: RequestInit): Promise<T> {
  const response = await fetcher(url, { ...init, signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export async function loadLiveNow(session: Session | null, fetcher: typeof fetch): Promise<LiveNow> {
  const config = serverConfig();
  const { streamGateUrl, mediaUrl, indexerUrl, ipfsGateway } = config.public;
  if (streamGateUrl === null) return { streams: [], unavailable: true, indexedBlock: null };
  let directory: DirectoryStream[];
  let indexedBlock: number | null;
  try {
    const answer = await getJson<{ streams: DirectoryStream[]; index?: { block: number | null } }>(
      fetcher,
      `${streamGateUrl}/directory`,
    );
    directory = answer.streams;
    indexedBlock = answer.index?.block ?? null;
  } catch {
    return { streams: [], unavailable: true, indexedBlock: null };
  }
  const since = new Map<string, number>();
  if (mediaUrl !== null) {
    const stats = await getJson<{ streams: { streamId: string; since: number }[] }>(fetcher, `${mediaUrl}/stats`).catch(
      () => ({ streams: [] }),
    );
    for (const s of stats.streams) since.set(s.streamId, s.since);
  }
  const ids = [...new Set(directory.map((s) => s.creator.toLowerCase()))];
  const profileURIs = new Map<string, string | null>();
  if (ids.length > 0) {
    try {
      const data = await graphRequest(indexerUrl, LiveCreatorsQuery, { ids }, { fetch: fetcher });
      for (const c of data.creators) profileURIs.set(c.id, c.profileURI);
    } catch (error) {
      if (!(error instanceof IndexerError)) throw error;
    }
  }
  const canJoin = async (stream: DirectoryStream): Promise<boolean | null> => {
    if (stream.mode === "public") return true;
    if (session === null) return null;
    const accessKey = mintAccessKey({
      address: session.address as Address,
      streamId: BigInt(stream.streamId),
      secret: config.sessionSecret,
    });
    const answer = await getJson<GateAnswer>(fetcher, `${streamGateUrl}/access`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ streamId: stream.streamId, accessKey }),
    }).catch(() => null);
    return answer === null ? null : answer.allow;
  };
  const streams = await Promise.all(
    directory.map(async (stream): Promise<LiveCard> => {
      const creator = stream.creator.toLowerCase();
      const [profile, title, join] = await Promise.all([
        loadProfile(creator, profileURIs.get(creator) ?? null, ipfsGateway, fetcher),
        loadStreamTitle(stream.metadataURI, ipfsGateway, fetcher),
        canJoin(stream),
      ]);
      return {
        streamId: stream.streamId,
        title: title ?? `${profile.name}'s stream`,
        creator,
        creatorName: profile.name,
        creatorHandle: profile.handle,
        picture: profile.picture,
        mode: stream.mode,
        isPrivate: stream.rules.isPrivate,
        viewers: stream.viewers ?? 0,
        since: since.get(stream.streamId) ?? null,
        oneToOneEndsAt: stream.oneToOneEndsAt,
        canJoin: join,
      };
    }),
  );
  // Broadcasting first, then by audience.
  streams.sort((a, b) => Number(b.since !== null) - Number(a.since !== null) || b.viewers - a.viewers);
  return { streams, unavailable: false, indexedBlock };
}
