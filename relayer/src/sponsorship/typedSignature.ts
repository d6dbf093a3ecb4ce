// The one check of an EIP-712 signature for every gasless request kind: the
// typed data (types from @mesi/deployments, the same the wallets sign and the
// contracts hash) is recovered locally; a signer that is a smart-contract
// wallet (ERC-1271, or ERC-6492 before it is deployed) is asked through the
// chain. Also the EIP-2612 permit check shared by tips and ticket purchases.
import { permitTypes } from "@mesi/deployments";
import {
  recoverTypedDataAddress,
  type Address,
  type Hex,
  type Signature,
  type TypedData,
  type TypedDataDefinition,
  type TypedDataDomain,
} from "viem";

import type { ChainClients } from "../chain/clients.ts";
import { mesiAbi } from "../chain/contracts.ts";
import { BadRequestError, UnavailableError } from "../errors.ts";
import type { Permit } from "./requestSchemas.ts";

/** The EIP-712 domain a contract publishes (ERC-5267). */
export async function eip712DomainOf(chain: ChainClients, contract: Address): Promise<TypedDataDomain> {
  // Every ERC-5267 contract answers the same tuple; the $MESI ABI is one of them.
  const domain = await chain.publicClient.readContract({
    address: contract,
    abi: mesiAbi,
    functionName: "eip712Domain",
  });
  return { name: domain[1], version: domain[2], chainId: domain[3], verifyingContract: domain[4] };
}

export interface TypedSignatureCheck<types extends TypedData | Record<string, unknown>, primaryType extends string> {
  readonly typedData: TypedDataDefinition<types, primaryType>;
  readonly signer: Address;
  readonly signature: Hex | Signature;
  /** Whether a smart-contract wallet may have signed (the contract verifies with SignatureChecker). */
  readonly contractWallets: boolean;
}

/**
 * Whether `signer` signed the typed data. Throws UnavailableError only when the chain could not be asked about a
 * contract wallet's signature.
 */
export async function isSignedBy<
  const types extends TypedData | Record<string, unknown>,
  primaryType extends keyof types | "EIP712Domain",
>(chain: ChainClients, check: TypedSignatureCheck<types, primaryType & string>): Promise<boolean> {
  const recovered = await recoverTypedDataAddress({
    ...check.typedData,
    signature: check.signature,
  } as Parameters<typeof recoverTypedDataAddress>[0]).catch(() => undefined);
  if (recovered?.toLowerCase() === check.signer.toLowerCase()) return true;
  if (!check.contractWallets || typeof check.signature !== "string") return false;
  try {
    return await chain.publicClient.verifyTypedData({
      ...check.typedData,
      address: check.signer,
      signature: check.signature,
    } as Parameters<typeof chain.publicClient.verifyTypedData>[0]);
  } catch {
    // viem answers false for a signature that does not verify; an error here is the node's.
    throw new UnavailableError("could not verify the signature against the chain; try again");
  }
}

/**
 * Throws 400 `invalid_permit` unless `fan` signed `permit` for the vault with their current permit nonce of `token`
 * ($MESI, or a stablecoin with EIP-2612: every such token publishes its domain, ERC-5267).
 */
export async function requirePermitSigner(
  chain: ChainClients,
  fan: Address,
  permit: Permit,
  token: Address = chain.addresses.mesi,
): Promise<void> {
  const { publicClient, addresses } = chain;
  const [permitNonce, domain] = await Promise.all([
    publicClient.readContract({ address: token, abi: mesiAbi, functionName: "nonces", args: [fan] }),
    eip712DomainOf(chain, token),
  ]);
  const signed = await isSignedBy(chain, {
    typedData: {
      domain,
      types: permitTypes,
      primaryType: "Permit",
      message: {
        owner: fan,
        spender: addresses.vault,
        value: permit.value,
        nonce: permitNonce,
        deadline: permit.deadline,
      },
    },
    signer: fan,
    signature: { r: permit.r, s: permit.s, v: BigInt(permit.v) },
    contractWallets: false,
  });
  if (!signed) {
    throw new BadRequestError(
      "invalid_permit",
      `the permit is not signed by ${fan} for the vault (or its nonce ${permitNonce} is used)`,
    );
  }
}
