// `npm start` runs the platform as an ordered list of services. Each one
// starts with what the ones before it left in the shared context (the chain's
// URL, the deployment…), may publish a URL, and knows how to stop. Adding the
// relayer or the indexer is one more entry in scripts/start.ts.

export interface StartedService {
  /** Where the service answers, when it is a server (shown in the banner). */
  readonly url?: string;
  /** Extra lines for the banner. */
  readonly details?: readonly string[];
  /** Stops it; must be safe to call once, after start resolved. */
  stop(): Promise<void>;
}

export interface Service<Context> {
  readonly name: string;
  start(context: Context, log: (message: string) => void): Promise<StartedService>;
}

export interface RunningService {
  readonly name: string;
  readonly url?: string;
  readonly details: readonly string[];
}

export class ServiceStartError extends Error {
  override readonly name = "ServiceStartError";
  constructor(
    readonly service: string,
    override readonly cause: unknown,
  ) {
    super(`${service} failed to start: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Starts services in order and stops them in reverse order, once. */
export class ServiceRunner<Context> {
  readonly #started: { name: string; service: StartedService }[] = [];
  #stopping: Promise<void> | undefined;
  #inFlight: Promise<StartedService> | undefined;

  constructor(
    private readonly services: readonly Service<Context>[],
    private readonly logFor: (service: string) => (message: string) => void,
  ) {}

  /** Starts every service; if one fails, stops those already started and throws {@link ServiceStartError}. */
  async start(context: Context): Promise<RunningService[]> {
    const running: RunningService[] = [];
    for (const service of this.services) {
      if (this.#stopping !== undefined) break;
      const log = this.logFor(service.name);
      // Registering is part of the step, so that a stop() that waits for it stops this service too.
      const step = (async () => {
        const started = await service.start(context, log);
        this.#started.push({ name: service.name, service: started });
        return started;
      })();
      this.#inFlight = step;
      let started: StartedService;
      try {
        started = await step;
      } catch (error) {
        this.#inFlight = undefined;
        await this.stop();
        throw new ServiceStartError(service.name, error);
      }
      this.#inFlight = undefined;
      running.push({ name: service.name, url: started.url, details: started.details ?? [] });
    }
    return running;
  }

  /**
   * Stops every started service, last first, after letting a service that is starting finish; errors are
   * logged, not thrown. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.resolve(); // let a start() that called us synchronously record its step first
      await this.#inFlight?.catch(() => {});
      for (const { name, service } of [...this.#started].reverse()) {
        try {
          await service.stop();
        } catch (error) {
          this.logFor(name)(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#stopping;
  }
}
