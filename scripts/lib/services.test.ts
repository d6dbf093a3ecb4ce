import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ServiceRunner, ServiceStartError, type Service } from "./services.ts";

interface Context {
  readonly events: string[];
  url?: string;
}

function service(name: string, options: { fail?: boolean; url?: string; onStart?: () => void } = {}): Service<Context> {
  return {
    name,
    async start(context, log) {
      context.events.push(`start ${name}`);
      log(`starting ${name}`);
      options.onStart?.();
      if (options.fail) throw new Error(`${name} broke`);
      if (options.url) context.url = options.url;
      return { url: options.url, stop: async () => void context.events.push(`stop ${name}`) };
    },
  };
}

describe("ServiceRunner", () => {
  it("starts in order, hands on the context, and stops in reverse once", async () => {
    const logs: string[] = [];
    const usesUrl: Service<Context> = {
      name: "relayer",
      async start(context) {
        context.events.push(`relayer sees ${context.url}`);
        return { stop: async () => void context.events.push("stop relayer") };
      },
    };
    const runner = new ServiceRunner(
      [service("chain", { url: "http://127.0.0.1:1" }), usesUrl],
      (name) => (m) => logs.push(`[${name}] ${m}`),
    );
    const context: Context = { events: [] };
    const running = await runner.start(context);
    assert.deepEqual(
      running.map((r) => [r.name, r.url]),
      [
        ["chain", "http://127.0.0.1:1"],
        ["relayer", undefined],
      ],
    );
    await Promise.all([runner.stop(), runner.stop()]);
    assert.deepEqual(context.events, ["start chain", "relayer sees http://127.0.0.1:1", "stop relayer", "stop chain"]);
    assert.deepEqual(logs, ["[chain] starting chain"]);
  });

  it("stops what already started when a later service fails", async () => {
    const runner = new ServiceRunner(
      [service("chain"), service("contracts", { fail: true }), service("relayer")],
      () => () => {},
    );
    const context: Context = { events: [] };
    await assert.rejects(runner.start(context), (error: unknown) => {
      assert.ok(error instanceof ServiceStartError);
      assert.equal(error.service, "contracts");
      assert.match(error.message, /contracts failed to start: contracts broke/);
      return true;
    });
    assert.deepEqual(context.events, ["start chain", "start contracts", "stop chain"]);
  });

  it("stops a service that finished starting after shutdown began, and starts no more", async () => {
    const context: Context = { events: [] };
    let runner: ServiceRunner<Context> | undefined;
    let stopping: Promise<void> | undefined;
    runner = new ServiceRunner(
      [service("chain"), service("contracts", { onStart: () => (stopping = runner?.stop()) }), service("relayer")],
      () => () => {},
    );
    await runner.start(context);
    await stopping;
    assert.deepEqual(context.events, ["start chain", "start contracts", "stop contracts", "stop chain"]);
  });
});
