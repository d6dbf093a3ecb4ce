// The relayer's HTTP API as the browser uses it: card quotes, gasless and sponsored requests, their status.
import { RelayerRequestError, RelayerUnreachableError, type RelayerAction } from "$lib/errors";

export interface RelayerClientOptions {
  readonly baseUrl: string;
  readonly fetch?: typeof fetch;
}

export interface QuoteView {
  readonly quoteId: string;
  readonly status: string;
  readonly fan: string;
  readonly creator: string;
  readonly purpose: "tip" | "ticket";
  readonly mesiAmount: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly fiatPerMesi: string;
  readonly streamId: string | null;
  readonly quantity: number | null;
  readonly expiresAt: string;
  /** The quote's Stripe PaymentIntent and the client secret Stripe.js confirms it with (see $lib/payments). */
  readonly paymentIntentId: string | null;
  readonly clientSecret: string | null;
  readonly paymentRef: string | null;
}

export interface PaymentView {
  readonly paymentRef: string;
  readonly status: string;
  readonly txHash?: string | null;
  readonly [key: string]: unknown;
}

export interface RelayStatus {
  readonly requestId: number;
  readonly kind: string;
  readonly status: string;
  readonly txHash: string | null;
  readonly error: string | null;
}

export class RelayerClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;

  constructor(options: RelayerClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/$/, "");
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async #request<T>(method: "GET" | "POST", path: string, body?: unknown, action?: RelayerAction): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body:
          body === undefined
            ? undefined
            : JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      throw new RelayerUnreachableError(`the relayer at ${this.#baseUrl} is unreachable`);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      json = { message: text };
    }
    if (!response.ok) {
      const { error, message, ...details } = json;
      throw new RelayerRequestError(
        response.status,
        typeof error === "string" ? error : "http_" + response.status,
        typeof message === "string" ? message : `the relayer answered ${response.status}`,
        details,
        action,
      );
    }
    return json as T;
  }

  createQuote(body: Record<string, unknown>): Promise<QuoteView> {
    return this.#request("POST", "/quotes", body);
  }

  getQuote(quoteId: string): Promise<QuoteView> {
    return this.#request("GET", `/quotes/${encodeURIComponent(quoteId)}`);
  }

  /** Simulates the quote's credit again right before the card is confirmed (422 would_revert when it would fail). */
  checkQuote(quoteId: string): Promise<Record<string, unknown>> {
    return this.#request("POST", `/quotes/${encodeURIComponent(quoteId)}/check`, {});
  }

  getPayment(paymentRef: string): Promise<PaymentView> {
    return this.#request("GET", `/payments/${encodeURIComponent(paymentRef)}`);
  }

  relayTip(body: unknown): Promise<{ requestId: number }> {
    return this.#request("POST", "/relay/tip", body, "tip");
  }

  relayStablecoinTip(body: unknown): Promise<{ requestId: number }> {
    return this.#request("POST", "/relay/stablecoin-tip", body, "stablecoinTip");
  }

  relayTicket(body: unknown): Promise<{ requestId: number }> {
    return this.#request("POST", "/relay/ticket", body, "ticket");
  }

  relayStablecoinTicket(body: unknown): Promise<{ requestId: number }> {
    return this.#request("POST", "/relay/stablecoin-ticket", body, "stablecoinTicket");
  }

  getRelayRequest(requestId: number): Promise<RelayStatus> {
    return this.#request("GET", `/relay/requests/${requestId}`);
  }

  /** Development only: pays a quote with a signed Stripe-format event, as Stripe would after a card payment. */
  simulatePayment(quoteId: string): Promise<Record<string, unknown>> {
    return this.#request("POST", "/dev/simulate-payment", { quoteId });
  }
}
