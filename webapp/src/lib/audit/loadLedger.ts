// Reads a ledger from the auditor API (its JSON export) and its totals. One request per filter change;
// the caller aborts a request that a newer filter made useless.
import { apiSearch } from "./filters";
import { rowFromApi } from "./rows";
import { totalsFromApi } from "./totals";
import type { AuditFilters, AuditRow, Totals } from "./types";

/** Rows the explorer holds at most; beyond, it says so and the totals come from the server. */
export const MAX_ROWS = 50_000;

export class AuditApiError extends Error {
  override readonly name = "AuditApiError";
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The auditor API's base (`…/audit`), next to the index's GraphQL endpoint unless configured. */
export function auditApiBase(indexerUrl: string): string {
  return `${new URL(indexerUrl).origin}/audit`;
}

async function request(url: string, signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new AuditApiError("The auditor API can't be reached.", null);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new AuditApiError(body.error ?? `The auditor API answered ${response.status}.`, response.status);
  }
  return response;
}

export interface LoadedLedger {
  readonly filters: AuditFilters;
  readonly rows: AuditRow[];
  /** False when the filter matches more than MAX_ROWS rows (only the first MAX_ROWS are held). */
  readonly complete: boolean;
}

export async function loadLedger(base: string, filters: AuditFilters, signal: AbortSignal): Promise<LoadedLedger> {
  const search = apiSearch(filters);
  search.set("limit", String(MAX_ROWS + 1));
  const response = await request(`${base}/${filters.ledger}.json?${search}`, signal);
  const body = (await response.json()) as Record<string, string | number | null>[];
  const complete = body.length <= MAX_ROWS;
  const rows = new Array<AuditRow>(Math.min(body.length, MAX_ROWS));
  for (let i = 0; i < rows.length; i += 1) rows[i] = rowFromApi(body[i]!);
  return { filters, rows, complete };
}

export async function loadTotals(base: string, filters: AuditFilters, signal: AbortSignal): Promise<Totals> {
  const response = await request(`${base}/${filters.ledger}/totals?${apiSearch(filters)}`, signal);
  return totalsFromApi(await response.json());
}

/** A download of every matching row, streamed by the auditor API. */
export function exportHref(base: string, filters: AuditFilters, format: "csv" | "json"): string {
  const search = apiSearch(filters);
  search.set("download", "1");
  return `${base}/${filters.ledger}.${format}?${search}`;
}
