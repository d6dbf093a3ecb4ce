// A TEST WALLET for browser tests: an EIP-1193 provider injected into the page and announced through
// EIP-6963, like any installed wallet. It signs in Node with a local test key (never a real one) and sends
// through the local chain. The app can't tell it from a real wallet: it only sees EIP-1193 and EIP-6963.
import type { BrowserContext, Page } from "playwright-core";
import { createWalletClient, hexToString, http, isHex, numberToHex, type Hex, type PrivateKeyAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface TestWalletOptions {
  readonly privateKey: Hex;
  readonly rpcUrl: string;
  /** The chain the local node runs. */
  readonly chainId: number;
  /** The chain the wallet starts on (another one tests the wrong-chain prompt). */
  readonly startChainId?: number;
}

class ProviderRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a test can make the wallet do next. */
export class TestWallet {
  readonly account: PrivateKeyAccount;
  chainId: number;
  connected = false;
  /** Methods the "user" will reject next (4001), e.g. `rejectNext("eth_sendTransaction")`. */
  readonly #rejectNext = new Set<string>();
  readonly #pages = new Set<Page>();
  readonly requests: { method: string; at: number }[] = [];
  readonly #options: TestWalletOptions;

  constructor(options: TestWalletOptions) {
    this.#options = options;
    this.account = privateKeyToAccount(options.privateKey);
    this.chainId = options.startChainId ?? options.chainId;
  }

  get address() {
    return this.account.address;
  }

  rejectNext(method: string): void {
    this.#rejectNext.add(method);
  }

  /** The user picks another network in their wallet. */
  async userSwitchesTo(chainId: number): Promise<void> {
    this.chainId = chainId;
    await this.#emit("chainChanged", numberToHex(chainId));
  }

  /** The user disconnects the site in their wallet. */
  async disconnect(): Promise<void> {
    this.connected = false;
    await this.#emit("accountsChanged", []);
  }

  async #emit(event: string, data: unknown): Promise<void> {
    for (const page of this.#pages) {
      if (page.isClosed()) continue;
      await page
        .evaluate(
          ([e, d]) => (window as unknown as { __testWalletEmit(e: string, d: unknown): void }).__testWalletEmit(e, d),
          [event, data] as const,
        )
        .catch(() => {});
    }
  }

  async #forward(method: string, params: unknown[]): Promise<unknown> {
    const response = await fetch(this.#options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await response.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    if (body.error) {
      const error = new ProviderRpcError(body.error.code, body.error.message) as ProviderRpcError & { data?: unknown };
      error.data = body.error.data;
      throw error;
    }
    return body.result;
  }

  async request(method: string, params: unknown[] = []): Promise<unknown> {
    this.requests.push({ method, at: Date.now() });
    if (this.#rejectNext.delete(method)) throw new ProviderRpcError(4001, "User rejected the request.");
    const needsAccount = ["eth_sendTransaction", "personal_sign", "eth_signTypedData_v4"];
    if (needsAccount.includes(method) && !this.connected) throw new ProviderRpcError(4100, "Unauthorized");
    switch (method) {
      case "eth_requestAccounts":
        this.connected = true;
        await this.#emit("connect", { chainId: numberToHex(this.chainId) });
        return [this.address];
      case "eth_accounts":
        return this.connected ? [this.address] : [];
      case "eth_chainId":
        return numberToHex(this.chainId);
      case "net_version":
        return String(this.chainId);
      case "wallet_switchEthereumChain": {
        const target = Number((params[0] as { chainId: string }).chainId);
        if (target !== this.#options.chainId) throw new ProviderRpcError(4902, "Unrecognized chain ID.");
        this.chainId = target;
        await this.#emit("chainChanged", numberToHex(target));
        return null;
      }
      case "wallet_addEthereumChain":
        return null;
      case "wallet_requestPermissions":
        this.connected = true;
        return [{ parentCapability: "eth_accounts" }];
      case "wallet_getPermissions":
        return this.connected ? [{ parentCapability: "eth_accounts" }] : [];
      case "wallet_revokePermissions":
        await this.disconnect();
        return null;
      case "personal_sign": {
        const [data] = params as [Hex];
        const message = isHex(data) ? { raw: data } : String(data);
        return this.account.signMessage({ message: message as never });
      }
      case "eth_signTypedData_v4": {
        const typed = JSON.parse(params[1] as string) as Parameters<PrivateKeyAccount["signTypedData"]>[0];
        return this.account.signTypedData(typed);
      }
      case "eth_sendTransaction": {
        if (this.chainId !== this.#options.chainId) throw new ProviderRpcError(4901, "Wallet is on another chain.");
        const tx = params[0] as { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        // Like a real wallet, estimate through the node first: a revert comes back as the node's own JSON-RPC
        // error (code 3 with the revert data), which is what the app must decode.
        const gas =
          tx.gas ??
          ((await this.#forward("eth_estimateGas", [
            { from: this.address, to: tx.to, data: tx.data, ...(tx.value ? { value: tx.value } : {}) },
          ])) as Hex);
        const client = createWalletClient({ account: this.account, transport: http(this.#options.rpcUrl) });
        return client.sendTransaction({
          chain: null,
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: BigInt(gas),
        });
      }
      default:
        if (method.startsWith("wallet_")) throw new ProviderRpcError(4200, `Unsupported method ${method}`);
        return this.#forward(method, params);
    }
  }

  /** Installs the wallet into every page of `context` (before any page script runs). */
  async install(context: BrowserContext): Promise<void> {
    context.on("page", (page) => this.#pages.add(page));
    for (const page of context.pages()) this.#pages.add(page);
    await context.exposeBinding("__testWalletRequest", async (_source, method: string, params: unknown[]) => {
      try {
        return { result: await this.request(method, params ?? []) };
      } catch (error) {
        const e = error as ProviderRpcError & { data?: unknown };
        return { error: { code: e.code ?? -32603, message: e.message, data: e.data } };
      }
    });
    await context.addInitScript({ content: PAGE_SCRIPT });
  }
}

/** Runs in the page: the EIP-1193 provider object and its EIP-6963 announcement. */
const PAGE_SCRIPT = `(() => {
  const listeners = new Map();
  const provider = {
    isMesiTestWallet: true,
    async request({ method, params }) {
      const answer = await window.__testWalletRequest(method, params ?? []);
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        if (answer.error.data !== undefined) error.data = answer.error.data;
        throw error;
      }
      return answer.result;
    },
    on(event, fn) { (listeners.get(event) ?? listeners.set(event, new Set()).get(event)).add(fn); return provider; },
    removeListener(event, fn) { listeners.get(event)?.delete(fn); return provider; },
  };
  window.__testWalletEmit = (event, data) => { for (const fn of listeners.get(event) ?? []) fn(data); };
  const icon = "data:image/svg+xml;base64," + btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0f766e"/><text x="16" y="21" font-size="12" text-anchor="middle" fill="#fff" font-family="sans-serif">TW</text></svg>');
  const detail = Object.freeze({
    info: Object.freeze({ uuid: crypto.randomUUID(), name: "Mesi Test Wallet", icon, rdns: "dev.mesi.testwallet" }),
    provider,
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;

export { hexToString };
