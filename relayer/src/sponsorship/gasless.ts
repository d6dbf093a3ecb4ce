// Gasless submissions: a fan signs, the relayer pays the gas. One module per
// request kind, over one typed-signature check (typedSignature.ts) and one
// simulate-reserve-queue step (sponsoredQueue.ts):
//
// - POST /relay/tip → tipBySig.ts (MesiVault.tipBySig)
// - POST /relay/stablecoin-tip → stablecoinTip.ts (EIP-3009, MesiVault.tipWithStablecoinAuthorization)
// - POST /relay/ticket → ticketBySig.ts (MesiTickets.buyBySig)
// - POST /relay/stablecoin-ticket → stablecoinTicket.ts (MesiTickets.buyWithStablecoinBySig)
//
// Everything that can be checked off-chain is checked before anything is
// stored; only then is the request queued in the outbox, with its estimated
// gas reserved against the fan's monthly sponsorship.
import { submitStablecoinTip } from "./stablecoinTip.ts";
import { submitStablecoinTicket } from "./stablecoinTicket.ts";
import type { GaslessDeps, RelayAccepted } from "./sponsoredQueue.ts";
import { submitTicketBySig } from "./ticketBySig.ts";
import { submitTipBySig } from "./tipBySig.ts";

export { stablecoinTicketRequestSchema } from "./stablecoinTicket.ts";
export { stablecoinTipRequestSchema } from "./stablecoinTip.ts";
export { ticketRequestSchema } from "./ticketBySig.ts";
export { tipRequestSchema } from "./tipBySig.ts";
export type { GaslessDeps, RelayAccepted } from "./sponsoredQueue.ts";

export interface RelayStatus {
  readonly requestId: number;
  readonly kind: string;
  readonly status: string;
  readonly txHash: string | null;
  readonly error: string | null;
}

export class GaslessService {
  readonly #deps: GaslessDeps;

  constructor(deps: GaslessDeps) {
    this.#deps = deps;
  }

  submitTip(body: unknown): Promise<RelayAccepted> {
    return submitTipBySig(this.#deps, body);
  }

  submitStablecoinTip(body: unknown): Promise<RelayAccepted> {
    return submitStablecoinTip(this.#deps, body);
  }

  submitTicket(body: unknown): Promise<RelayAccepted> {
    return submitTicketBySig(this.#deps, body);
  }

  submitStablecoinTicket(body: unknown): Promise<RelayAccepted> {
    return submitStablecoinTicket(this.#deps, body);
  }

  async status(requestId: number): Promise<RelayStatus | undefined> {
    const row = await this.#deps.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("id", "=", requestId)
      .where("kind", "in", ["tipBySig", "stablecoinTip", "ticketBySig"])
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      requestId: row.id,
      kind: row.kind,
      status: row.state,
      txHash: row.tx_hash,
      error: row.state === "failed" ? row.last_error : null,
    };
  }
}
