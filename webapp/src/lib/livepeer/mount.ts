// Mounts one Livepeer React component (Player, Broadcast…) into a host element as a React island. React is the same
// runtime the RainbowKit island (src/lib/rainbow/island.ts) uses: Vite bundles one copy for both, and it loads only
// on pages that import this module (stream pages and the studio).
import { createElement, type FunctionComponent } from "react";
import { createRoot } from "react-dom/client";

export interface Island<P> {
  /** Re-renders with new props (e.g. a refreshed access key). */
  update(props: P): void;
  unmount(): void;
}

export function mountIsland<P extends object>(host: HTMLElement, component: FunctionComponent<P>, props: P): Island<P> {
  const root = createRoot(host);
  root.render(createElement(component, props));
  let mounted = true;
  return {
    update(next) {
      if (mounted) root.render(createElement(component, next));
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      root.unmount();
    },
  };
}
