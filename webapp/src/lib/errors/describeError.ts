// One describer turns every wallet, contract, relayer and index error into a sentence a fan understands.
// It tells errors apart by class (viem's error classes, walked through their causes), never by message text.
import { errorsAbi } from "@mesi/deployments";
import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  TimeoutError,
  UserRejectedRequestError,
  type Hex,
} from "viem";

import { IndexerError } from "$lib/graph/client";
import { KyfFanNotAttestedError, KyfServiceError, KyfUnavailableError } from "$lib/kyf/errors";
import { m } from "$lib/i18n";

import {
  CardPaymentError,
  InvalidSplitError,
  NotModeratorError,
  RelayerRequestError,
  RelayerUnreachableError,
  StablecoinUnavailableError,
  WalletDisconnectedError,
} from "./classes";

export interface DescribedError {
  /** A sentence for the person. */
  readonly message: string;
  /** The contract error's name, when a contract refused. */
  readonly errorName?: string;
  /** True when trying again may work without changing anything. */
  readonly retryable: boolean;
}

function describeRevert(errorName: string, args: readonly unknown[]): DescribedError {
  const sentence = m.errors.contract[errorName];
  return { message: sentence ? sentence(args) : m.errors.unknownContract(errorName), errorName, retryable: false };
}

/** Decodes raw revert data with every Mesi contract's errors (a revert inside transferAndCall included). */
export function decodeRevert(data: Hex): { errorName: string; args: readonly unknown[] } | undefined {
  try {
    const decoded = decodeErrorResult({ abi: errorsAbi, data });
    return { errorName: decoded.errorName, args: decoded.args ?? [] };
  } catch {
    return undefined;
  }
}

function findRevertData(error: BaseError): Hex | undefined {
  let found: Hex | undefined;
  error.walk((inner) => {
    const data = (inner as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) found = data as Hex;
    else if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string") {
      found = (data as { data: Hex }).data;
    }
    return false;
  });
  return found;
}

export function describeError(error: unknown): DescribedError {
  if (error instanceof WalletDisconnectedError) return { message: m.errors.disconnected, retryable: true };
  if (error instanceof RelayerUnreachableError) return { message: m.errors.relayerDown, retryable: true };
  if (error instanceof NotModeratorError) return { message: m.errors.notModerator, retryable: false };
  if (error instanceof InvalidSplitError) return { message: m.errors.invalidSplit, retryable: false };
  if (error instanceof CardPaymentError) return { message: error.message, retryable: true };
  if (error instanceof StablecoinUnavailableError) return { message: m.errors.stablecoinUnavailable, retryable: true };
  if (error instanceof RelayerRequestError) {
    if (error.code === "sponsorship_exhausted") {
      return { message: m.errors.sponsorshipSpent[error.action ?? "tip"], retryable: false };
    }
    if (error.code === "quote_expired") return { message: m.errors.quoteExpired, retryable: false };
    const revert = typeof error.details.errorName === "string" ? error.details.errorName : undefined;
    if (revert !== undefined && m.errors.contract[revert]) return describeRevert(revert, []);
    return { message: error.message, retryable: error.status >= 500 };
  }
  if (error instanceof IndexerError) return { message: m.indexDown, retryable: error.retryable };
  if (error instanceof KyfFanNotAttestedError) return { message: m.kyf.fanNotAttested, retryable: false };
  if (error instanceof KyfUnavailableError) return { message: m.kyf.unavailable, retryable: false };
  if (error instanceof KyfServiceError) {
    if (error.code === "forbidden") return { message: m.kyf.refused, retryable: false };
    if (error.code === "unauthenticated") return { message: m.kyf.signInAgain, retryable: true };
    return { message: error.message, retryable: error.status >= 500 };
  }
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError))
      return { message: m.errors.rejected, retryable: true };
    if (error.walk((e) => e instanceof InsufficientFundsError)) return { message: m.errors.noGas, retryable: false };
    if (error.walk((e) => e instanceof ChainMismatchError)) {
      return { message: m.errors.wrongChain, retryable: true };
    }
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      // The called contract's ABI may not know a nested contract's error: decode the raw data with every error.
      const raw = reverted.raw ? decodeRevert(reverted.raw) : undefined;
      if (raw) return describeRevert(raw.errorName, raw.args);
      if (reverted.data?.errorName) return describeRevert(reverted.data.errorName, reverted.data.args ?? []);
    }
    const data = findRevertData(error);
    const decoded = data ? decodeRevert(data) : undefined;
    if (decoded) return describeRevert(decoded.errorName, decoded.args);
    if (reverted) return { message: m.errors.reverted, retryable: false };
    if (error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError)) {
      return { message: m.errors.network, retryable: true };
    }
    if ((error as { name?: string }).name === "ConnectorNotConnectedError") {
      return { message: m.errors.disconnected, retryable: true };
    }
  }
  if (error instanceof TypeError && /fetch/i.test(error.message)) return { message: m.errors.network, retryable: true };
  return { message: m.errors.generic, retryable: true };
}
