// The graph-node / Subgraph Studio deploy script: options parsed once (clear
// errors, nothing run), the graph-cli command lines it forms, and graph-cli's
// own `graph create` reaching a local endpoint that speaks graph-node's JSON-RPC
// admin API with `subgraph_create`.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { graphCommands, parseGraphDeployArgs, SUBGRAPH_STUDIO_NODE } from "../scripts/graph-deploy.ts";

const GRAPH = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "graph");

describe("deploy:graph options", () => {
  it("forms graph create + graph deploy for a graph-node", () => {
    const options = parseGraphDeployArgs(
      ["--chain", "84532", "--node", "http://10.0.0.5:8020", "--ipfs", "http://10.0.0.5:5001", "--version-label", "v1"],
      {},
    );
    expect(graphCommands(options)).toEqual([
      ["create", "mesi/mesi", "--node", "http://10.0.0.5:8020"],
      [
        "deploy",
        "mesi/mesi",
        "subgraph.yaml",
        "--node",
        "http://10.0.0.5:8020",
        "--ipfs",
        "http://10.0.0.5:5001",
        "--version-label",
        "v1",
      ],
    ]);
  });

  it("forms one graph deploy with the deploy key for Subgraph Studio", () => {
    const options = parseGraphDeployArgs(["--chain", "8453", "--studio", "mesi", "--version-label", "v2"], {
      GRAPH_DEPLOY_KEY: "key-123",
    });
    expect(graphCommands(options)).toEqual([
      [
        "deploy",
        "mesi",
        "subgraph.yaml",
        "--node",
        SUBGRAPH_STUDIO_NODE,
        "--deploy-key",
        "key-123",
        "--version-label",
        "v2",
      ],
    ]);
  });

  it("refuses Studio without a deploy key, and a missing chain, with the reason", () => {
    expect(() => parseGraphDeployArgs(["--chain", "8453", "--studio", "mesi"], {})).toThrow(/GRAPH_DEPLOY_KEY/);
    expect(() => parseGraphDeployArgs(["--node", "http://127.0.0.1:8020"], {})).toThrow(/chainId/);
    expect(() => parseGraphDeployArgs(["--chain", "1", "--studio", "Not A Slug"], { GRAPH_DEPLOY_KEY: "k" })).toThrow(
      /slug/i,
    );
  });
});

describe("graph create against a graph-node admin endpoint", () => {
  it("sends subgraph_create with the subgraph's name over JSON-RPC", async () => {
    const received: { method: string; params: unknown }[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const call = JSON.parse(body) as { id: number; method: string; params: unknown };
        received.push({ method: call.method, params: call.params });
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result: { id: "created" } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const options = parseGraphDeployArgs(["--chain", "84532", "--node", `http://127.0.0.1:${port}`], {});
      const create = graphCommands(options)[0] as string[];
      const child = spawn(GRAPH, create, { env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "true" } });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code, output).toBe(0);
      expect(received).toEqual([{ method: "subgraph_create", params: { name: "mesi/mesi" } }]);
      expect(output).toMatch(/Created subgraph: mesi\/mesi/);
    } finally {
      server.close();
    }
  });
});
