// The browser's client of the KYF verifier: a short-lived `kyf-verifier` token from the webapp's SIWE session, then
// the verifier's HTTP API. The registration data goes straight to the verifier; the webapp's server never stores it.
import type { RegistrationData } from "@mesi/kyf/registration";
import type { Address } from "viem";

import { KyfServiceError, KyfUnavailableError } from "./errors";

export interface KyfStatus {
  readonly registered: boolean;
  readonly level: number | null;
  readonly expiresAt: number | null;
  readonly attestationTx: string | null;
}

export interface DisclosedData {
  readonly fan: Address;
  readonly data: RegistrationData;
  readonly blockNumber: string;
  readonly level: number;
  readonly expiresAt: number;
}

export interface DisclosureLogEntry {
  readonly creator: Address;
  readonly at: number;
  readonly outcome: "disclosed" | "refused";
}

async function token(): Promise<string> {
  const response = await fetch("/api/session/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ audience: "kyf-verifier" }),
  });
  if (!response.ok) throw new KyfServiceError(response.status, "unauthenticated", "Sign in with your wallet first.");
  return ((await response.json()) as { token: string }).token;
}

async function call<T>(
  baseUrl: string | null | undefined,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  if (!baseUrl) throw new KyfUnavailableError("the KYF verifier is not configured");
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${await token()}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) {
    throw new KyfServiceError(
      response.status,
      body.error ?? "error",
      body.message ?? `the verifier answered ${response.status}`,
    );
  }
  return body as T;
}

export const kyfStatus = (url: string | null | undefined) => call<KyfStatus>(url, "/v1/registration");

export const registerKyf = (url: string | null | undefined, data: RegistrationData) =>
  call<KyfStatus>(url, "/v1/registration", { method: "POST", body: data });

export const readDisclosure = (url: string | null | undefined, fan: Address) =>
  call<DisclosedData>(url, `/v1/disclosures/${fan}`);

export const readDisclosureLog = (url: string | null | undefined) =>
  call<{ entries: DisclosureLogEntry[] }>(url, "/v1/disclosure-log").then((body) => body.entries);
