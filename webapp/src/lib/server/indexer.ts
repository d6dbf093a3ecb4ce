// The server's reads from the index: creators for the home page, one creator for a profile, with their
// profile documents resolved and cached. Index failures become a notice on the page, not an error page.
import { getAddress, isAddress, type Address } from "viem";

import { graphRequest, IndexerError } from "$lib/graph/client";
import { CreatorQuery, CreatorsQuery, CreatorTipsQuery } from "$lib/graph/queries";
import type { CreatorDetail, CreatorSummary, Hex, Meta, TipRow } from "$lib/graph/types";
import { mesiContracts } from "$lib/contracts/mesi";
import { loadProfile, loadStreamTitle, type IpfsReader } from "$lib/profiles/loadProfile";
import type { Profile } from "$lib/profiles";

import { serverConfig } from "./config";
import { canBePaid, emptyAccount } from "./accountProfile";
import { chainHead } from "./chainHead";
import { contentStore } from "./content";

/** Profile documents this server stores are read from its content store, not over HTTP from itself. */
const readIpfs: IpfsReader = async (cid) =>
  serverConfig().contentStore.kind === "local" ? ((await contentStore().get(cid))?.bytes ?? null) : null;

export interface IndexStatus {
  /** Blocks the index trails the chain by, when that is more than the configured tolerance. */
  readonly staleBlocks: number | null;
  /** The index could not be reached: totals and history are missing. */
  readonly unavailable: boolean;
}

export interface CreatorCard extends CreatorSummary {
  readonly profile: Profile;
}

async function statusOf(meta: Meta | undefined): Promise<IndexStatus> {
  if (meta === undefined) return { staleBlocks: null, unavailable: true };
  const head = await chainHead();
  const behind = head === null ? 0 : Number(head) - meta.block.number;
  return { staleBlocks: behind > serverConfig().staleAfterBlocks ? behind : null, unavailable: false };
}

export async function loadCreators(
  query: string,
  fetcher: typeof fetch,
): Promise<{ creators: CreatorCard[]; status: IndexStatus }> {
  const config = serverConfig().public;
  try {
    const data = await graphRequest(config.indexerUrl, CreatorsQuery, { first: 200 }, { fetch: fetcher });
    const cards = await Promise.all(
      data.creators.map(async (c) => ({
        ...c,
        profile: await loadProfile(c.id, c.profileURI, config.ipfsGateway, fetch, readIpfs),
      })),
    );
    const q = query.trim().toLowerCase().replace(/^@/, "");
    const creators =
      q === ""
        ? cards
        : cards.filter(
            (c) =>
              c.profile.name.toLowerCase().includes(q) ||
              (c.profile.handle ?? "").includes(q) ||
              c.id.toLowerCase() === q,
          );
    return { creators, status: await statusOf(data._meta) };
  } catch (error) {
    if (error instanceof IndexerError) return { creators: [], status: { staleBlocks: null, unavailable: true } };
    throw error;
  }
}

export interface CreatorPage {
  readonly creator: CreatorDetail;
  readonly profile: Profile;
  readonly feeBps: string;
  readonly tips: TipRow[];
  /** Stream id → title from the stream's metadata document. */
  readonly streamTitles: Readonly<Record<string, string>>;
  readonly status: IndexStatus;
}

/** Finds a creator by address or handle; null when there is none. */
export async function resolveCreatorId(idOrHandle: string, fetcher: typeof fetch): Promise<string | null> {
  if (isAddress(idOrHandle, { strict: false })) return getAddress(idOrHandle).toLowerCase();
  const { creators } = await loadCreators("", fetcher);
  const handle = idOrHandle.toLowerCase().replace(/^@/, "");
  return creators.find((c) => c.profile.handle === handle)?.id ?? null;
}

export async function loadCreatorPage(id: string, fetcher: typeof fetch): Promise<CreatorPage | null | "unavailable"> {
  const config = serverConfig().public;
  const vault = mesiContracts(config).MesiVault.address.toLowerCase();
  try {
    const [data, tips] = await Promise.all([
      graphRequest(config.indexerUrl, CreatorQuery, { id, vault }, { fetch: fetcher }),
      graphRequest(config.indexerUrl, CreatorTipsQuery, { creator: id, first: 20, skip: 0 }, { fetch: fetcher }),
    ]);
    // A registered creator, an account the index saw being paid, or an open account nobody has paid yet.
    const creator = data.creator ?? ((await canBePaid(id as Address)) ? emptyAccount(id as Hex) : null);
    if (creator === null) return null;
    const titles = await Promise.all(
      creator.streams.map(async (s) => [s.id, await loadStreamTitle(s.metadataURI, config.ipfsGateway)] as const),
    );
    return {
      streamTitles: Object.fromEntries(titles.filter((entry): entry is readonly [string, string] => entry[1] !== null)),
      creator,
      profile: await loadProfile(creator.id, creator.profileURI, config.ipfsGateway, fetch, readIpfs),
      feeBps: data.vault?.feeBps ?? "0",
      tips: tips.tips,
      status: await statusOf(data._meta),
    };
  } catch (error) {
    if (error instanceof IndexerError) return "unavailable";
    throw error;
  }
}
