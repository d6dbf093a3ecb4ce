// The EIP-712 types Mesi's contracts verify, in one place: wallets sign them, the relayer and the contracts
// check them. Each matches the contract's typehash string exactly (tested against it).

/** EIP-2612 permit (MesiToken and any permit-capable stablecoin). */
export const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** A fan's gasless tip (MesiVault.tipBySig); `channel` is MesiTypes.TipChannel. */
export const tipAuthorizationTypes = {
  TipAuthorization: [
    { name: "fan", type: "address" },
    { name: "creator", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "channel", type: "uint8" },
    { name: "channelRef", type: "bytes32" },
    { name: "memoHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** A fan's gasless ticket purchase (MesiTickets.buyBySig). */
export const buyAuthorizationTypes = {
  BuyAuthorization: [
    { name: "fan", type: "address" },
    { name: "streamId", type: "uint256" },
    { name: "quantity", type: "uint32" },
    { name: "maxTotalPrice", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** A fan's gasless stablecoin ticket purchase (MesiTickets.buyWithStablecoinBySig), signed beside an EIP-2612 permit
 * of the stablecoin for the vault. Shares the fan's ticket nonce with BuyAuthorization. */
export const stablecoinBuyAuthorizationTypes = {
  StablecoinBuyAuthorization: [
    { name: "fan", type: "address" },
    { name: "streamId", type: "uint256" },
    { name: "quantity", type: "uint32" },
    { name: "stablecoin", type: "address" },
    { name: "maxStableIn", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** EIP-3009 `receiveWithAuthorization`: only the payee (the vault) can submit it. */
export const receiveWithAuthorizationTypes = {
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
} as const;

/** A fan's card-payment quote request, signed before a quote may hold ticket seats (the relayer checks it). */
export const quoteRequestTypes = {
  QuoteRequest: [
    { name: "fan", type: "address" },
    { name: "creator", type: "address" },
    { name: "purpose", type: "string" },
    { name: "mesiAmount", type: "uint256" },
    { name: "streamId", type: "uint256" },
    { name: "quantity", type: "uint32" },
    { name: "channel", type: "uint8" },
    { name: "channelRef", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

/** The relayer's EIP-712 domain for quote requests. */
export function quoteRequestDomain(chainId: number) {
  return { name: "Mesi Relayer", version: "1", chainId } as const;
}
