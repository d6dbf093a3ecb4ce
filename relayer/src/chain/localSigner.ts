// The default signer: the hot wallet's raw private key, held in this process.
import type { Address, Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

import type { Signer, UnsignedTransaction } from "./signer.ts";

export class LocalSigner implements Signer {
  readonly kind = "local";
  readonly address: Address;
  readonly #account: PrivateKeyAccount;

  constructor(privateKey: Hex) {
    this.#account = privateKeyToAccount(privateKey);
    this.address = this.#account.address;
  }

  async signTransaction(transaction: UnsignedTransaction): Promise<Hex> {
    return await this.#account.signTransaction({ type: "eip1559", ...transaction });
  }

  async check(): Promise<void> {}
}
