// Where a row's transaction opens: the configured block explorer, or the webapp's own transaction view.
export function txHref(explorerUrl: string | null, hash: string): string {
  return explorerUrl ? `${explorerUrl.replace(/\/$/, "")}/tx/${hash}` : `/audit/tx/${hash}`;
}
