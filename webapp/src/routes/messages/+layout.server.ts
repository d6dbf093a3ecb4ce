import { loadCreators } from "$lib/server/indexer";

import type { LayoutServerLoad } from "./$types";

/** Creators' names and pictures by address, so chats show people rather than addresses (fans stay addresses). */
export const load: LayoutServerLoad = async ({ fetch }) => {
  const { creators } = await loadCreators("", fetch).catch(() => ({ creators: [] }));
  const people: Record<string, { name: string; picture: string | null }> = {};
  for (const creator of creators) {
    people[creator.id.toLowerCase()] = { name: creator.profile.name, picture: creator.profile.picture };
  }
  return { people };
};
