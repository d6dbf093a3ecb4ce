// The verifier's view of KyfRegistry: it attests with the VERIFIER_ROLE key, and reads consent at the chain's latest
// block each time it is asked (never cached: a revoked consent stops disclosure from the next block on).
import { abis } from "@mesi/deployments";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  toHex,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const VERIFIER_ROLE = keccak256(toHex("VERIFIER_ROLE"));

/** What the chain says about a creator–fan pair at one block. */
export interface ConsentFacts {
  readonly blockNumber: bigint;
  /** KyfRegistry.hasConsented: consent to the latest request, attestation still valid. */
  readonly consented: boolean;
}

export interface KyfChain {
  /** The verifier's address. */
  readonly verifier: Address;
  attest(wallet: Address, level: number, expiresAt: number): Promise<Hash>;
  consent(creator: Address, fan: Address): Promise<ConsentFacts>;
  hasVerifierRole(): Promise<boolean>;
}

export class AttestationFailedError extends Error {
  override readonly name = "AttestationFailedError";
}

export interface ViemKyfChainParameters {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly registry: Address;
  readonly verifierPrivateKey: Hex;
}

export function viemKyfChain(parameters: ViemKyfChainParameters): KyfChain {
  const account = privateKeyToAccount(parameters.verifierPrivateKey);
  const chain: Chain = {
    id: parameters.chainId,
    name: `chain ${parameters.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [parameters.rpcUrl] } },
  };
  const transport = http(parameters.rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 100 }) as PublicClient;
  const walletClient = createWalletClient({ account, chain, transport });
  const registry = { address: parameters.registry, abi: abis.KyfRegistry } as const;
  // One key, one nonce sequence: attestations go out one after another.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    verifier: account.address,
    attest(wallet, level, expiresAt) {
      const run = async (): Promise<Hash> => {
        const hash = await walletClient.writeContract({
          ...registry,
          functionName: "attest",
          args: [wallet, level, BigInt(expiresAt)],
        });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new AttestationFailedError(`attest(${wallet}) reverted in ${hash}`);
        return hash;
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async consent(creator, fan) {
      const blockNumber = await publicClient.getBlockNumber({ cacheTime: 0 });
      const consented = await publicClient.readContract({
        ...registry,
        functionName: "hasConsented",
        args: [creator, fan],
        blockNumber,
      });
      return { blockNumber, consented };
    },
    hasVerifierRole() {
      return publicClient.readContract({
        ...registry,
        functionName: "hasRole",
        args: [VERIFIER_ROLE, account.address],
      });
    },
  };
}
