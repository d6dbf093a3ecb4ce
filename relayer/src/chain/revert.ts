// Reads a revert: the custom error's name and arguments, decoded with every
// Mesi error the relayer's calls can surface.
import { BaseError, decodeErrorResult, type Abi, type Hex } from "viem";

import { stablecoinAbi, ticketsAbi, vaultAbi } from "./contracts.ts";

const errorAbi = [...vaultAbi, ...ticketsAbi, ...stablecoinAbi].filter((item) => item.type === "error") as Abi;

export interface DecodedRevert {
  readonly name: string;
  readonly args: readonly unknown[];
}

function findRevertData(error: unknown): Hex | undefined {
  if (!(error instanceof BaseError)) return undefined;
  let found: Hex | undefined;
  error.walk((inner) => {
    const data = (inner as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) {
      found = data as Hex;
      return true;
    }
    if (typeof data === "object" && data !== null && typeof (data as { data?: unknown }).data === "string") {
      found = (data as { data: Hex }).data;
      return true;
    }
    return false;
  });
  return found;
}

export function decodeRevert(error: unknown): DecodedRevert | undefined {
  const data = findRevertData(error);
  if (data === undefined) {
    if (error instanceof BaseError) {
      const named = error.walk(
        (inner) => typeof (inner as { data?: { errorName?: unknown } }).data?.errorName === "string",
      );
      const decoded = (named as { data?: { errorName: string; args?: readonly unknown[] } } | null)?.data;
      if (decoded !== undefined) return { name: decoded.errorName, args: decoded.args ?? [] };
    }
    return undefined;
  }
  try {
    const decoded = decodeErrorResult({ abi: errorAbi, data });
    return { name: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return { name: `unknown(${data.slice(0, 10)})`, args: [] };
  }
}

export function isRevert(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return (
    findRevertData(error) !== undefined ||
    error.walk((inner) => /reverted|execution reverted/i.test((inner as Error).message ?? "")) !== null
  );
}

/** Reverts that no retry can fix: the payment stays uncredited and is flagged. */
const PERMANENT = new Set([
  "Vault_AmountZero",
  "Vault_InvalidCreator",
  "Vault_SelfPayment",
  "Vault_Blocked",
  "Vault_NoAccount",
  "Vault_PaymentRefZero",
  "Vault_InvalidSource",
  "Vault_SlippageExceeded",
  "Vault_SignatureExpired",
  "Vault_InvalidSignature",
  "Vault_CreditNotHeld",
  "Vault_HoldOver",
  "Vault_HoldNotOver",
  "Tickets_NoSale",
  "Tickets_SaleClosed",
  "Tickets_SaleEnded",
  "Tickets_QuantityZero",
  "Tickets_SoldOut",
  "Tickets_PriceTooHigh",
  "Tickets_SignatureExpired",
  "Tickets_InvalidSignature",
  "ERC3009_AuthorizationNotYetValid",
  "ERC3009_AuthorizationExpired",
  "ERC3009_AuthorizationUsed",
  "ERC3009_InvalidSignature",
  "ERC20InsufficientBalance",
  "ERC20InsufficientAllowance",
]);

export function isPermanentRevert(decoded: DecodedRevert | undefined): boolean {
  return decoded !== undefined && PERMANENT.has(decoded.name);
}

export function formatRevert(decoded: DecodedRevert | undefined, fallback: unknown): string {
  if (decoded === undefined)
    return fallback instanceof Error ? (fallback.message.split("\n")[0] ?? "reverted") : String(fallback);
  const args = decoded.args.map((arg) => (typeof arg === "bigint" ? arg.toString() : String(arg))).join(", ");
  return `${decoded.name}(${args})`;
}
