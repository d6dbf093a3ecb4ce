// The subgraph's data sources in one place: which contract each mapping file
// handles and which events go to which exported handler. The manifest
// (subgraph.yaml, for graph-cli and graph-node) is rendered from this list, and
// the embedded indexer routes logs to the built WASM by the same list, so the
// two cannot drift apart.
import { abis } from "@mesi/deployments";
import { formatAbiItem } from "viem/utils";
import type { AbiEvent, Address } from "viem";

export const API_VERSION = "0.0.9";
export const SPEC_VERSION = "1.3.0";

export interface DataSourceSpec {
  /** Contract name in @mesi/deployments. */
  readonly contract:
    | "MesiVault"
    | "CreatorRegistry"
    | "KyfRegistry"
    | "AbuseReports"
    | "MesiTickets"
    | "OneToOneEscrow"
    | "StableConverter";
  /** Mapping file under src/mappings/ (one per data source). */
  readonly file: string;
  /** Entities the mapping writes (informational for graph-node). */
  readonly entities: readonly string[];
  /** Event name → handler export name. */
  readonly events: readonly (readonly [event: string, handler: string])[];
}

const handlers = (...events: string[]): [string, string][] => events.map((e) => [e, `handle${e}`]);

export const DATA_SOURCES = [
  {
    contract: "MesiVault",
    file: "vault.ts",
    entities: [
      "Tip",
      "Payment",
      "RelayerCredit",
      "CreditSettlement",
      "CreditReversal",
      "ModuleCredit",
      "Claim",
      "FeeSweep",
      "FeeWithdrawal",
      "FloatMovement",
      "StablecoinWithdrawal",
      "ParameterChange",
      "BlockChange",
      "Creator",
      "Fan",
      "CreatorFan",
      "CreatorDayData",
      "Vault",
      "Account",
      "ExcessSweep",
      "VaultModule",
      "ModuleChange",
      "ModuleChangeEvent",
    ],
    events: handlers(
      "Tipped",
      "StablecoinTipped",
      "Credited",
      "CreditSettled",
      "CreditReversed",
      "ModuleCredited",
      "ModuleStablecoinCredited",
      "Claimed",
      "FeesSwept",
      "FeesWithdrawn",
      "FloatFunded",
      "FloatWithdrawn",
      "StablecoinWithdrawn",
      "FanBlocked",
      "FanUnblocked",
      "FeeUpdated",
      "HoldPeriodUpdated",
      "TreasuryUpdated",
      "ConverterUpdated",
      "Paused",
      "Unpaused",
      "AccountOpened",
      "ExcessSwept",
      "ModulesLocked",
      "ModuleScheduled",
      "ModuleScheduleCancelled",
      "RoleGranted",
      "RoleRevoked",
      "EscrowModuleUpdated",
    ),
  },
  {
    contract: "CreatorRegistry",
    file: "registry.ts",
    entities: [
      "Creator",
      "Fan",
      "CreatorFan",
      "FollowChange",
      "Tier",
      "FanSubscription",
      "SubscriptionPayment",
      "Payment",
      "Stream",
      "CreatorDayData",
    ],
    events: handlers(
      "CreatorRegistered",
      "ProfileUpdated",
      "Followed",
      "Unfollowed",
      "TierCreated",
      "TierUpdated",
      "Subscribed",
      "StreamCreated",
      "StreamRulesUpdated",
      "StreamLiveSet",
    ),
  },
  {
    contract: "KyfRegistry",
    file: "kyf.ts",
    entities: ["KyfAttestation", "KyfAttestationEvent", "KyfDisclosure", "KyfDisclosureEvent", "ParameterChange"],
    events: handlers(
      "Attested",
      "AttestationRevoked",
      "DisclosureRequested",
      "DisclosureConsented",
      "DisclosureConsentRevoked",
      "ConsentWindowUpdated",
    ),
  },
  {
    contract: "AbuseReports",
    file: "reports.ts",
    entities: ["Report", "ReportResolution"],
    events: handlers("ReportFiled", "ReportResolved"),
  },
  {
    contract: "MesiTickets",
    file: "tickets.ts",
    entities: [
      "TicketSale",
      "TicketSaleEvent",
      "TicketPurchase",
      "TicketOnlySwitch",
      "TicketTransfer",
      "TicketHolding",
      "Stream",
      "Payment",
    ],
    events: handlers(
      "SaleConfigured",
      "SaleClosed",
      "TicketsPurchased",
      "TicketsRevoked",
      "TicketOnlySet",
      "TransferSingle",
      "TransferBatch",
    ),
  },
  {
    contract: "OneToOneEscrow",
    file: "escrow.ts",
    entities: [
      "EscrowModule",
      "OneToOneSession",
      "SessionEvent",
      "EscrowMovement",
      "Payment",
      "Creator",
      "Fan",
      "CreatorFan",
      "CreatorDayData",
      "Vault",
      "ParameterChange",
    ],
    events: handlers(
      "EscrowInitialized",
      "OneToOneSettingsUpdated",
      "SessionRequested",
      "SessionAccepted",
      "SessionRefunded",
      "SessionKyfRequested",
      "SessionDisputed",
      "SessionReleased",
      "SessionResolved",
      "RequestTtlUpdated",
      "DisputeWindowUpdated",
    ),
  },
  {
    contract: "StableConverter",
    file: "converter.ts",
    entities: ["Stablecoin", "StablecoinListing", "RateChange", "ParameterChange"],
    events: handlers("ListingScheduled", "RateUpdated", "StablecoinDelisted", "MaxRateChangeUpdated"),
  },
] as const satisfies readonly DataSourceSpec[];

export type DataSourceContract = DataSourceSpec["contract"];

/** The ABI item of an event of a data source's contract; throws if the ABI has no such event. */
export function eventAbi(contract: DataSourceContract, event: string): AbiEvent {
  const abi = abis[contract] as readonly { type: string; name?: string }[];
  const items = abi.filter((item): item is AbiEvent => item.type === "event" && item.name === event);
  if (items.length !== 1) {
    throw new Error(`${contract} ABI has ${items.length} events named ${event}: the data source list is out of date`);
  }
  return items[0] as AbiEvent;
}

/** graph-node's event signature: `Name(indexed address,uint256,(bool,uint8))` (no parameter names). */
export function graphEventSignature(event: AbiEvent): string {
  const type = (p: AbiEvent["inputs"][number]): string => {
    if (p.type.startsWith("tuple")) {
      const components = (p as { components?: AbiEvent["inputs"] }).components ?? [];
      return `(${components.map(type).join(",")})${p.type.slice("tuple".length)}`;
    }
    return p.type;
  };
  return `${event.name}(${event.inputs.map((p) => (p.indexed ? "indexed " : "") + type(p)).join(",")})`;
}

/** Human-readable signature for logs and errors. */
export function describeEvent(event: AbiEvent): string {
  return formatAbiItem(event);
}

export interface ManifestTarget {
  readonly address: Address;
  readonly startBlock: bigint;
}

/** subgraph.yaml for the given network and per-contract addresses / start blocks. */
export function renderManifest(options: {
  readonly network: string;
  readonly targets: Readonly<Record<DataSourceContract, ManifestTarget>>;
}): string {
  const lines = [
    "# generated — do not edit",
    "# Rendered by scripts/render-manifest.ts from @mesi/deployments and indexer/manifest.ts.",
    `specVersion: ${SPEC_VERSION}`,
    "description: Mesi — tips, tickets, one-to-one sessions, subscriptions, moderation and KYF on-chain history",
    "schema:",
    "  file: ./schema.graphql",
    "indexerHints:",
    "  prune: never",
    "dataSources:",
  ];
  for (const source of DATA_SOURCES) {
    const target = options.targets[source.contract];
    lines.push(
      "  - kind: ethereum/contract",
      `    name: ${source.contract}`,
      `    network: ${options.network}`,
      "    source:",
      `      address: "${target.address}"`,
      `      abi: ${source.contract}`,
      `      startBlock: ${target.startBlock}`,
      "    mapping:",
      "      kind: ethereum/events",
      `      apiVersion: ${API_VERSION}`,
      "      language: wasm/assemblyscript",
      "      entities:",
      ...source.entities.map((e) => `        - ${e}`),
      "      abis:",
      `        - name: ${source.contract}`,
      `          file: ./abis/${source.contract}.json`,
      "      eventHandlers:",
    );
    for (const [event, handler] of source.events) {
      lines.push(
        `        - event: "${graphEventSignature(eventAbi(source.contract, event))}"`,
        `          handler: ${handler}`,
      );
    }
    lines.push(`      file: ./src/mappings/${source.file}`);
  }
  return lines.join("\n") + "\n";
}
