/** The configuration is missing or contradicts itself; the server refuses to start with it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
