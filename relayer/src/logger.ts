// Structured logs: pino, one child per component, bigints as strings.
import { pino, type Logger } from "pino";

export type { Logger } from "pino";

function serializeBigints(value: unknown, depth = 0): unknown {
  if (typeof value === "bigint") return value.toString();
  if (depth > 4 || value === null || typeof value !== "object" || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((inner) => serializeBigints(inner, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = serializeBigints(inner, depth + 1);
  return out;
}

const SECRET_KEYS = ["relayerPrivateKey", "privateKey", "secretKey", "webhookSecret", "rpcUrl"];
/**
 * The config's secret fields — keys, Stripe secrets, an RPC URL (it often carries an API key) and the store URL
 * (it may carry a password) — at any depth a config object or part of it is logged.
 */
const REDACTED_PATHS = [...SECRET_KEYS, "store.url"].flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export function createLogger(options: { level: string; name?: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      name: options.name ?? "relayer",
      level: options.level,
      formatters: { log: (object) => serializeBigints(object) as Record<string, unknown> },
      serializers: { err: pino.stdSerializers.err },
      // Secrets never reach a log line, wherever a config object is logged.
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    options.destination ?? process.stdout,
  );
}
