// The OpenAPI document (issue 9, item 11): generated from the routes' zod
// schemas and served at /openapi.json. Every route the server registers is in
// it (and nothing else is); the quote body's documented schema agrees with
// what POST /quotes accepts: the document's example, with the test's own
// accounts, is accepted and the answer has the documented shape; bodies the
// document's schema rejects are refused with 400 in the documented error shape.
import { afterAll, beforeAll, expect, test } from "vitest";

import { registeredRoutes } from "../src/http/server.ts";
import type { Relayer } from "../src/relayer.ts";
import { startAnvil, type AnvilNode } from "./support/anvil.ts";
import { deployFixture, type MesiFixture } from "./support/mesi.ts";
import { getJson, postJson, relayerConfigInput, startTestRelayer } from "./support/relayer.ts";

let node: AnvilNode;
let mesi: MesiFixture;
let relayer: Relayer;
let doc: any;

beforeAll(async () => {
  node = await startAnvil();
  mesi = await deployFixture(node);
  relayer = await startTestRelayer(relayerConfigInput(node, mesi));
  const response = await getJson(`${relayer.url}/openapi.json`);
  expect(response.status).toBe(200);
  doc = response.body;
});

afterAll(async () => {
  await relayer?.stop();
  await node?.stop();
});

/**
 * Problems of `value` against the subset of JSON Schema 2020-12 the document uses (type, enum, pattern,
 * minimum/maximum, properties, required, additionalProperties: false); none means it conforms.
 */
function problems(schema: any, value: unknown, at = "body"): string[] {
  const types = [schema.type ?? []].flat() as string[];
  const typeOf = (v: unknown) =>
    v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
  const actual = typeOf(value);
  if (types.length > 0 && !types.includes(actual) && !(actual === "integer" && types.includes("number")))
    return [`${at}: ${actual}, not ${types.join("|")}`];
  const found: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) found.push(`${at}: not one of ${schema.enum.join(", ")}`);
  if (schema.pattern && typeof value === "string" && !new RegExp(schema.pattern).test(value))
    found.push(`${at}: does not match ${schema.pattern}`);
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) found.push(`${at}: < min`);
  if (schema.maximum !== undefined && typeof value === "number" && value > schema.maximum) found.push(`${at}: > max`);
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) found.push(`${at}.${key}: missing`);
    for (const [key, inner] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property !== undefined) found.push(...problems(property, inner, `${at}.${key}`));
      else if (schema.additionalProperties === false) found.push(`${at}.${key}: not allowed`);
    }
  }
  return found;
}

const jsonSchemaOf = (operation: any, status?: number) =>
  (status === undefined ? operation.requestBody : operation.responses[String(status)]).content["application/json"]
    .schema;

test("the document is OpenAPI 3.1 and lists exactly the routes the server registered", () => {
  expect(doc.openapi).toBe("3.1.0");
  const registered = registeredRoutes(relayer.app).map(({ method, path }) => `${method} ${path}`);
  const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations as object).map((method) => `${method} ${path}`),
  );
  // The server with the dev simulator on registers every route there is.
  expect(registered).toContain("post /dev/simulate-payment");
  expect(registered).toContain("post /quotes");
  expect([...documented].sort()).toEqual([...new Set(registered)].sort());
});

test("the quote body: the document's example is accepted and answered in the documented shape", async () => {
  const operation = doc.paths["/quotes"].post;
  const example = operation.requestBody.content["application/json"].example;
  expect(problems(jsonSchemaOf(operation), example)).toEqual([]);
  // Built from the example: the same fields, with accounts that exist on this chain.
  const creator = await mesi.newFundedAccount();
  const fan = await mesi.newFundedAccount();
  const body = { ...example, fan: fan.address, creator: creator.address };
  expect(problems(jsonSchemaOf(operation), body)).toEqual([]);
  const response = await postJson(`${relayer.url}/quotes`, body);
  expect(response.status).toBe(201);
  expect(problems(jsonSchemaOf(operation, 201), response.body)).toEqual([]);
  expect(response.body.mesiAmount).toBe(example.mesiAmount);
});

test("bodies the documented schema rejects are refused with 400 in the documented error shape", async () => {
  const operation = doc.paths["/quotes"].post;
  const example = operation.requestBody.content["application/json"].example;
  const bad: Array<Record<string, unknown>> = [
    { ...example, mesiAmount: "-5" },
    { ...example, fan: "0x1234" },
    { ...example, purpose: "donation" },
    { ...example, channel: 9 },
    { ...example, surprise: true },
    { purpose: "tip" },
  ];
  for (const body of bad) {
    expect(problems(jsonSchemaOf(operation), body), JSON.stringify(body)).not.toEqual([]);
    const response = await postJson(`${relayer.url}/quotes`, body);
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(problems(jsonSchemaOf(operation, 400), response.body)).toEqual([]);
    expect(response.body.error).toBe("invalid_quote_request");
  }
});

test("the gasless request bodies are documented from their schemas", () => {
  const tip = jsonSchemaOf(doc.paths["/relay/tip"].post);
  expect(tip.required).toEqual(expect.arrayContaining(["auth", "signature"]));
  expect(tip.properties.auth.required).toEqual(expect.arrayContaining(["fan", "creator", "amount", "nonce"]));
  expect(tip.properties.signature.pattern).toBe("^0x[0-9a-fA-F]{130}$");
  expect(Object.keys(jsonSchemaOf(doc.paths["/relay/ticket"].post).properties.auth.properties)).toContain(
    "maxTotalPrice",
  );
  expect(Object.keys(jsonSchemaOf(doc.paths["/relay/stablecoin-tip"].post).properties.auth.properties)).toContain(
    "minMesiOut",
  );
});
