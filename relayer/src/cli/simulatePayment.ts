// LOCAL DEVELOPMENT ONLY — "pays" a relayer quote: reads the quote, builds a
// Stripe-format event, signs it with the local webhook secret (the SDK's
// generateTestHeaderString) and POSTs it to the relayer's real webhook route.
//
//   npm run simulate-payment -w @mesi/relayer -- --url http://127.0.0.1:PORT --quote <quoteId>
//     [--outcome succeeded|failed|refunded|disputed] [--secret whsec_…]
import { parseArgs } from "node:util";

import { LOCAL_WEBHOOK_SECRET } from "../local.ts";
import { buildEvent, deliverEvent, type SimulatedOutcome } from "../stripe/simulator.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    quote: { type: "string" },
    outcome: { type: "string", default: "succeeded" },
    secret: { type: "string", default: process.env.MESI_RELAYER_STRIPE_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET },
  },
});

if (values.url === undefined || values.quote === undefined) {
  console.error(
    "usage: simulate-payment --url <relayer url> --quote <quoteId> [--outcome succeeded|failed|refunded|disputed]",
  );
  process.exit(2);
}
const outcome = values.outcome as SimulatedOutcome;
if (!["succeeded", "failed", "refunded", "disputed"].includes(outcome)) {
  console.error(`unknown outcome ${outcome}`);
  process.exit(2);
}

const quoteResponse = await fetch(`${values.url}/quotes/${values.quote}`);
if (quoteResponse.status !== 200) {
  console.error(`no quote ${values.quote} at ${values.url} (${quoteResponse.status})`);
  process.exit(1);
}
const quote = (await quoteResponse.json()) as {
  quoteId: string;
  paymentIntentId: string;
  amountMinor: number;
  currency: string;
};
const event = buildEvent(
  {
    paymentIntentId: quote.paymentIntentId,
    quoteId: quote.quoteId,
    amountMinor: quote.amountMinor,
    currency: quote.currency,
  },
  outcome,
);
const delivered = await deliverEvent(`${values.url}/webhooks/stripe`, event, values.secret!);
console.log(
  `[local simulator — no real payment] ${event.type} ${String(event.id)} → ${delivered.status} ${JSON.stringify(delivered.body)}`,
);
process.exit(delivered.status === 200 ? 0 : 1);
