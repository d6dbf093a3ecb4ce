// The studio's broadcaster: @livepeer/react's Broadcast (WHIP) mounted as a React island on the go-live page only
// (the React runtime is shared with the RainbowKit island). The page drives it through a small handle: the camera
// and microphone preview shows at once; `setEnabled(true)` starts publishing to the ingest URL.
import * as Broadcast from "@livepeer/react/broadcast";
import { createElement as h, useEffect } from "react";
import { createRoot } from "react-dom/client";

export interface BroadcastSnapshot {
  /** "live" once the media server answered and media flows. */
  readonly status: "live" | "pending" | "idle";
  readonly enabled: boolean;
  /** The camera/microphone stream is open (the preview shows). */
  readonly previewing: boolean;
}

export interface BroadcastOptions {
  readonly ingestUrl: string;
  /** STUN/TURN from configuration; [] on loopback (without it the component stalls on the page's host). */
  readonly iceServers: RTCIceServer[];
  readonly title: string;
  readonly onState: (state: BroadcastSnapshot) => void;
  readonly onError: (message: string | null) => void;
}

export interface BroadcastHandle {
  setEnabled(enabled: boolean): void;
  unmount(): void;
}

type Store = Broadcast.BroadcastContextValue["store"];

function Bridge(props: { onStore: (store: Store) => void }): null {
  const context = Broadcast.useBroadcastContext("MesiBroadcastBridge", undefined as never);
  useEffect(() => props.onStore(context.store), [context.store, props]);
  return null;
}

export function mountBroadcast(host: HTMLElement, options: BroadcastOptions): BroadcastHandle {
  let store: Store | undefined;
  let wanted: boolean | undefined;
  let unsubscribe: (() => void) | undefined;
  const apply = () => {
    const state = store?.getState();
    if (state === undefined || wanted === undefined || state.enabled === wanted) return;
    state.__controlsFunctions.toggleEnabled();
  };
  const onStore = (next: Store) => {
    if (store === next) return;
    store = next;
    unsubscribe?.();
    const emit = () => {
      const s = next.getState();
      options.onState({ status: s.status, enabled: s.enabled, previewing: s.mediaStream !== null });
    };
    unsubscribe = next.subscribe(emit);
    emit();
    apply();
  };
  const root = createRoot(host);
  root.render(
    h(
      Broadcast.Root,
      {
        ingestUrl: options.ingestUrl,
        iceServers: options.iceServers,
        aspectRatio: 16 / 9,
        hotkeys: false,
        onError: (error) => options.onError(error?.message ?? null),
      },
      h(
        Broadcast.Container,
        { className: "mesi-broadcast" },
        h(Broadcast.Video, { title: options.title, className: "mesi-broadcast-video" }),
      ),
      h(Bridge, { onStore }),
    ),
  );
  return {
    setEnabled(enabled) {
      wanted = enabled;
      apply();
    },
    unmount() {
      unsubscribe?.();
      root.unmount();
    },
  };
}
