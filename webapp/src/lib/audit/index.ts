export * from "./types";
export {
  apiSearch,
  checkFilters,
  DEFAULT_FILTERS,
  filtersToSearch,
  groupOf,
  narrows,
  parseFilters,
  rowMatcher,
  rowsKey,
  SORT_KEYS,
  SOURCE_GROUPS,
} from "./filters";
export { totalsOf, totalsFromApi } from "./totals";
export { rowFromApi, sortRows } from "./rows";
export { dailySeries, toChartNumber, type DailySeries } from "./daily";
export { txHref } from "./txLink";
export {
  AuditApiError,
  auditApiBase,
  exportHref,
  loadLedger,
  loadTotals,
  MAX_ROWS,
  type LoadedLedger,
} from "./loadLedger";
