// RainbowKit's connect modal, mounted as a React island the first time a fan clicks "Connect". It shares the
// Svelte side's wagmi config, so a wallet connected here is connected everywhere.
import "@rainbow-me/rainbowkit/styles.css";

import { darkTheme, lightTheme, RainbowKitProvider, useConnectModal } from "@rainbow-me/rainbowkit";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Config } from "@wagmi/core";
import { createElement, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";

type Open = (() => void) | undefined;

let openModal: Open;
let ready: Promise<void> | undefined;

function Opener(props: { onOpen: (open: Open) => void }): null {
  const { openConnectModal } = useConnectModal();
  useEffect(() => props.onOpen(openConnectModal), [openConnectModal, props]);
  return null;
}

function mount(config: Config): Promise<void> {
  return new Promise((resolve) => {
    const host = document.createElement("div");
    host.id = "mesi-wallet-island";
    document.body.append(host);
    const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
    const theme = (dark ? darkTheme : lightTheme)({
      accentColor: dark ? "#a78bfa" : "#6d28d9",
      borderRadius: "medium",
    });
    const onOpen = (open: Open): void => {
      openModal = open;
      resolve();
    };
    createRoot(host).render(
      createElement(
        WagmiProvider,
        { config, reconnectOnMount: false },
        createElement(
          QueryClientProvider,
          { client: new QueryClient() },
          createElement(RainbowKitProvider, {
            theme,
            appInfo: { appName: "Mesi" },
            modalSize: "compact",
            children: createElement(Opener, { onOpen }),
          }),
        ),
      ),
    );
  });
}

/** Opens the connect modal (mounting the island on first use). */
export async function openRainbowKit(config: Config): Promise<void> {
  ready ??= mount(config);
  await ready;
  openModal?.();
}
