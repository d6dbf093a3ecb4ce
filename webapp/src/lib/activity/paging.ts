// Paging over The Graph's first/skip: ask for one row more than a page to learn whether a next page exists.

export const PAGE_SIZE = 10;

export interface PageWindow {
  readonly first: number;
  readonly skip: number;
}

/** The first/skip of page `page` (0-based) of `size` rows, with one extra row to detect a next page. */
export function pageWindow(page: number, size = PAGE_SIZE): PageWindow {
  if (!Number.isInteger(page) || page < 0) throw new RangeError(`page must be a whole number ≥ 0, got ${page}`);
  return { first: size + 1, skip: page * size };
}

/** Splits what {@link pageWindow} fetched into the page's rows and whether another page follows. */
export function pageOf<T>(rows: readonly T[], size = PAGE_SIZE): { rows: T[]; hasNext: boolean } {
  return { rows: rows.slice(0, size), hasNext: rows.length > size };
}

/** Reads a 1-based `?page=` value into a 0-based page; anything else is the first page. */
export function pageFromParam(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n - 1 : 0;
}
