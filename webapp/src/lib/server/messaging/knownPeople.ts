// Creators' names and pictures by lowercase address, so chats and call screens show people rather than addresses
// (fans stay addresses). An index that cannot answer gives an empty map: the messenger works without names.
import type { People } from "$lib/messenger/conversations";
import { loadCreators } from "$lib/server/indexer";

export async function loadKnownPeople(fetcher: typeof fetch): Promise<People> {
  const { creators } = await loadCreators("", fetcher).catch(() => ({ creators: [] }));
  const people: Record<string, { name: string; picture: string | null }> = {};
  for (const creator of creators) {
    people[creator.id.toLowerCase()] = { name: creator.profile.name, picture: creator.profile.picture };
  }
  return people;
}
