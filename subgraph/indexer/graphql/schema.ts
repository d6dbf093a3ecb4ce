// The Graph's query schema, GENERATED from schema.graphql's entity model with
// graphql-js types and resolvers over the store's SQLite tables:
//   entity(id: ID!, block, subgraphError): Entity
//   entities(skip, first, orderBy, orderDirection, where, block, subgraphError): [Entity!]!
//   _meta(block): _Meta_
// with Entity_filter (suffix filters, nested `field_` filters, and/or,
// _change_block), Entity_orderBy (fields and `ref__field`), @derivedFrom
// lists taking the same collection arguments, and BigInt / BigDecimal /
// Bytes / Int8 / Timestamp scalars as strings.
import type Database from "better-sqlite3";
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
  type ValueNode,
} from "graphql";

import type { EntityModel, FieldModel, SchemaModel } from "../store/model.ts";
import { quote } from "../store/store.ts";
import { bytesToHex, decodeBigInt, hexToBytes } from "../store/values.ts";
import { checkPaging, QueryError, SqlBuilder, suffixesFor, type SqlParam } from "./sql.ts";

export interface QueryContext {
  /** A prepared (and cached) statement over the index database. */
  readonly prepare: (sql: string) => Database.Statement;
  /** Head of the index and indexing status, read once per request. */
  readonly meta: () => IndexMeta;
}

export interface IndexMeta {
  readonly block: { readonly number: bigint; readonly hash: string; readonly timestamp: bigint } | null;
  readonly deployment: string;
  readonly hasIndexingErrors: boolean;
}

type Row = Record<string, unknown>;

// ─────────────────────────────── scalars ───────────────────────────────

function literalString(ast: ValueNode, scalar: string): string {
  if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return ast.value;
  throw new GraphQLError(`${scalar} must be given as a string`);
}

const BigIntScalar = new GraphQLScalarType({
  name: "BigInt",
  description: "An arbitrary-size integer, as a decimal string.",
  serialize: (value) => String(value),
  parseValue: (value) => {
    const text = String(value);
    if (!/^-?\d+$/.test(text)) throw new GraphQLError(`Invalid BigInt value: \`${text}\``);
    return text;
  },
  parseLiteral: (ast) => {
    const text = literalString(ast, "BigInt");
    if (!/^-?\d+$/.test(text)) throw new GraphQLError(`Invalid BigInt value: \`${text}\``);
    return text;
  },
});

const BigDecimalScalar = new GraphQLScalarType({
  name: "BigDecimal",
  description: "An arbitrary-precision decimal, as a string.",
  serialize: (value) => String(value),
  parseValue: (value) => String(value),
  parseLiteral: (ast) => literalString(ast, "BigDecimal"),
});

function checkBytes(text: string): string {
  try {
    hexToBytes(text);
  } catch {
    throw new GraphQLError(`Failed to decode \`Bytes\` value: \`${text}\` is not valid hex`);
  }
  return text.toLowerCase();
}

const BytesScalar = new GraphQLScalarType({
  name: "Bytes",
  description: "Bytes as a lowercase 0x-prefixed hex string.",
  serialize: (value) => (value instanceof Uint8Array ? bytesToHex(value) : String(value)),
  parseValue: (value) => checkBytes(String(value)),
  parseLiteral: (ast) => checkBytes(literalString(ast, "Bytes")),
});

const Int8Scalar = new GraphQLScalarType({
  name: "Int8",
  description: "A 64-bit integer.",
  serialize: (value) => String(value),
  parseValue: (value) => String(value),
  parseLiteral: (ast) => literalString(ast, "Int8"),
});

const TimestampScalar = new GraphQLScalarType({
  name: "Timestamp",
  description: "Microseconds since the Unix epoch, as a string.",
  serialize: (value) => String(value),
  parseValue: (value) => String(value),
  parseLiteral: (ast) => literalString(ast, "Timestamp"),
});

const OrderDirection = new GraphQLEnumType({
  name: "OrderDirection",
  description: "Sort direction.",
  values: { asc: { value: "asc" }, desc: { value: "desc" } },
});

const SubgraphErrorPolicy = new GraphQLEnumType({
  name: "_SubgraphErrorPolicy_",
  values: {
    allow: { value: "allow", description: "Data will be returned even if the subgraph has indexing errors" },
    deny: { value: "deny", description: "If the subgraph has indexing errors, data will be omitted. The default." },
  },
});

const BlockHeight = new GraphQLInputObjectType({
  name: "Block_height",
  fields: {
    hash: { type: BytesScalar },
    number: { type: GraphQLInt },
    number_gte: { type: GraphQLInt },
  },
});

const BlockChangedFilter = new GraphQLInputObjectType({
  name: "BlockChangedFilter",
  fields: { number_gte: { type: new GraphQLNonNull(GraphQLInt) } },
});

const MetaBlock = new GraphQLObjectType({
  name: "_Block_",
  fields: {
    hash: { type: BytesScalar, description: "The hash of the block" },
    number: { type: new GraphQLNonNull(GraphQLInt), description: "The block number" },
    timestamp: {
      type: GraphQLInt,
      description: "Integer representation of the timestamp stored in blocks for the chain",
    },
    parentHash: { type: BytesScalar, description: "The hash of the parent block" },
  },
});

const Meta = new GraphQLObjectType({
  name: "_Meta_",
  description: "The type for the top-level _meta field",
  fields: {
    block: { type: new GraphQLNonNull(MetaBlock) },
    deployment: { type: new GraphQLNonNull(GraphQLString) },
    hasIndexingErrors: { type: new GraphQLNonNull(GraphQLBoolean) },
  },
});

function scalarType(field: FieldModel): GraphQLScalarType {
  switch (field.scalar) {
    case "ID":
      return GraphQLID;
    case "String":
      return GraphQLString;
    case "Bytes":
      return BytesScalar;
    case "BigInt":
      return BigIntScalar;
    case "BigDecimal":
      return BigDecimalScalar;
    case "Int":
      return GraphQLInt;
    case "Int8":
      return Int8Scalar;
    case "Timestamp":
      return TimestampScalar;
    case "Boolean":
      return GraphQLBoolean;
    default:
      return GraphQLString;
  }
}

/** Column value → GraphQL output value. */
function outputValue(field: FieldModel, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (field.list) return JSON.parse(String(raw));
  if (field.kind === "enum") return raw;
  const scalar = field.kind === "entity" ? field.scalar : field.scalar;
  switch (scalar) {
    case "Bytes":
      return bytesToHex(raw as Buffer);
    case "BigInt":
      return decodeBigInt(raw as Buffer).toString();
    case "Int":
      return Number(raw);
    case "Int8":
    case "Timestamp":
      return String(raw);
    case "Boolean":
      return Number(raw) !== 0;
    default:
      return String(raw);
  }
}

/** lowerFirst + a plural the way graph-node names collections (`tips`, `creatorDayDatas`). */
export function collectionName(entity: string): string {
  const singular = entity.charAt(0).toLowerCase() + entity.slice(1);
  if (/(s|x|z|ch|sh)$/.test(singular)) return `${singular}es`;
  if (/[^aeiou]y$/.test(singular)) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

export function singularName(entity: string): string {
  return entity.charAt(0).toLowerCase() + entity.slice(1);
}

export interface GeneratedSchema {
  readonly schema: GraphQLSchema;
  /** Query field name → entity (singular and collection). */
  readonly rootFields: ReadonlyMap<string, { entity: EntityModel; collection: boolean }>;
}

export function buildQuerySchema(model: SchemaModel): GeneratedSchema {
  const enums = new Map<string, GraphQLEnumType>();
  for (const e of model.enums.values()) {
    enums.set(
      e.name,
      new GraphQLEnumType({
        name: e.name,
        description: e.description,
        values: Object.fromEntries(e.values.map((v) => [v.name, { value: v.name, description: v.description }])),
      }),
    );
  }

  const objectTypes = new Map<string, GraphQLObjectType>();
  const filterTypes = new Map<string, GraphQLInputObjectType>();
  const orderByTypes = new Map<string, GraphQLEnumType>();

  const fieldInputType = (field: FieldModel): GraphQLInputType =>
    field.kind === "enum"
      ? (enums.get(field.typeName) as GraphQLEnumType)
      : field.kind === "entity"
        ? GraphQLString
        : scalarType(field);

  for (const entity of model.entities) {
    const orderValues: Record<string, { value: string }> = {};
    for (const field of entity.fields) {
      if (field.list || field.derivedFrom !== undefined) continue;
      orderValues[field.name] = { value: field.name };
      if (field.kind === "entity") {
        const target = model.entitiesByName.get(field.typeName) as EntityModel;
        for (const inner of target.fields) {
          if (inner.list || inner.derivedFrom !== undefined || inner.kind === "entity") continue;
          orderValues[`${field.name}__${inner.name}`] = { value: `${field.name}__${inner.name}` };
        }
      }
    }
    orderByTypes.set(entity.name, new GraphQLEnumType({ name: `${entity.name}_orderBy`, values: orderValues }));

    filterTypes.set(
      entity.name,
      new GraphQLInputObjectType({
        name: `${entity.name}_filter`,
        fields: (): GraphQLInputFieldConfigMap => {
          const fields: GraphQLInputFieldConfigMap = {};
          for (const field of entity.fields) {
            if (field.derivedFrom === undefined) {
              const base = fieldInputType(field);
              const single = field.list ? new GraphQLList(new GraphQLNonNull(base)) : base;
              fields[field.name] = { type: single };
              for (const suffix of suffixesFor(field)) {
                const many = suffix === "_in" || suffix === "_not_in";
                const isListOp = field.list;
                fields[`${field.name}${suffix}`] = {
                  type: many || isListOp ? new GraphQLList(new GraphQLNonNull(base)) : base,
                };
              }
            }
            if (field.kind === "entity") {
              fields[`${field.name}_`] = { type: filterTypes.get(field.typeName) as GraphQLInputObjectType };
            }
          }
          fields._change_block = { type: BlockChangedFilter, description: "Filter for the block changed event." };
          fields.and = { type: new GraphQLList(filterTypes.get(entity.name) as GraphQLInputObjectType) };
          fields.or = { type: new GraphQLList(filterTypes.get(entity.name) as GraphQLInputObjectType) };
          return fields;
        },
      }),
    );
  }

  const collectionArgs = (entity: EntityModel): GraphQLFieldConfigArgumentMap => ({
    skip: { type: GraphQLInt, defaultValue: 0 },
    first: { type: GraphQLInt, defaultValue: 100 },
    orderBy: { type: orderByTypes.get(entity.name) as GraphQLEnumType },
    orderDirection: { type: OrderDirection },
    where: { type: filterTypes.get(entity.name) as GraphQLInputObjectType },
  });

  for (const entity of model.entities) {
    objectTypes.set(
      entity.name,
      new GraphQLObjectType({
        name: entity.name,
        description: entity.description,
        fields: () => {
          const fields: Record<string, GraphQLFieldConfig<Row, QueryContext>> = {};
          for (const field of entity.fields) fields[field.name] = objectField(entity, field);
          return fields;
        },
      }),
    );
  }

  function objectField(entity: EntityModel, field: FieldModel): GraphQLFieldConfig<Row, QueryContext> {
    if (field.kind === "entity") {
      const target = model.entitiesByName.get(field.typeName) as EntityModel;
      const type = objectTypes.get(field.typeName) as GraphQLObjectType;
      if (field.derivedFrom !== undefined || field.list) {
        return {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
          description: field.description,
          args: collectionArgs(target),
          resolve: (row, args, ctx) => {
            const builder = new SqlBuilder(model);
            const alias = builder.alias();
            let link: string;
            if (field.derivedFrom !== undefined) {
              const back = target.fieldsByName.get(field.derivedFrom) as FieldModel;
              link = back.list
                ? `EXISTS (SELECT 1 FROM json_each(${alias}.${quote(back.column)}) WHERE value = ${builder.bind(
                    listItem(entity, row.id),
                  )})`
                : `${alias}.${quote(back.column)} = ${builder.bind(row.id as SqlParam)}`;
            } else {
              const ids = JSON.parse(String(row[field.column] ?? "[]")) as string[];
              if (ids.length === 0) return [];
              link = `${alias}."id" IN (${ids.map((id) => builder.bind(idParam(target, id))).join(", ")})`;
            }
            return selectRows(ctx, builder, target, alias, args as CollectionArgs, link);
          },
        };
      }
      const nonNull = field.nonNull;
      return {
        type: nonNull ? new GraphQLNonNull(type) : type,
        description: field.description,
        resolve: (row, _args, ctx) => {
          const id = row[field.column];
          if (id === null || id === undefined) return null;
          return selectById(ctx, target, id as SqlParam);
        },
      };
    }
    const base: GraphQLOutputType =
      field.kind === "enum" ? (enums.get(field.typeName) as GraphQLEnumType) : scalarType(field);
    let type: GraphQLOutputType = field.list ? new GraphQLList(new GraphQLNonNull(base)) : base;
    if (field.nonNull) type = new GraphQLNonNull(type);
    return {
      type,
      description: field.description,
      resolve: (row) => outputValue(field, row[field.column]),
    };
  }

  const rootFields = new Map<string, { entity: EntityModel; collection: boolean }>();
  const queryFields: Record<string, GraphQLFieldConfig<unknown, QueryContext>> = {};
  const blockArgs: GraphQLFieldConfigArgumentMap = {
    block: {
      type: BlockHeight,
      description:
        "The block at which the query should be executed. The embedded indexer serves its latest block; `number_gte` waits for nothing and fails if the index is behind.",
    },
    subgraphError: { type: new GraphQLNonNull(SubgraphErrorPolicy), defaultValue: "deny" },
  };
  for (const entity of model.entities) {
    const type = objectTypes.get(entity.name) as GraphQLObjectType;
    const singular = singularName(entity.name);
    const plural = collectionName(entity.name);
    rootFields.set(singular, { entity, collection: false });
    rootFields.set(plural, { entity, collection: true });
    queryFields[singular] = {
      type,
      description: entity.description,
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, ...blockArgs },
      resolve: (_root, args, ctx) => {
        checkBlock(ctx, args as BlockArgs);
        let id: SqlParam;
        try {
          id = idParam(entity, String((args as { id: string }).id));
        } catch {
          throw new QueryError(
            `Failed to decode \`${entity.name}.id\` value: \`${String((args as { id: string }).id)}\``,
          );
        }
        return selectById(ctx, entity, id);
      },
    };
    queryFields[plural] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
      description: entity.description,
      args: { ...collectionArgs(entity), ...blockArgs },
      resolve: (_root, args, ctx) => {
        checkBlock(ctx, args as BlockArgs);
        const builder = new SqlBuilder(model);
        return selectRows(ctx, builder, entity, builder.alias(), args as CollectionArgs, "1");
      },
    };
  }
  queryFields._meta = {
    type: Meta,
    description: "Access to subgraph metadata",
    args: { block: { type: BlockHeight } },
    resolve: (_root, args, ctx) => {
      checkBlock(ctx, { ...(args as BlockArgs), subgraphError: "allow" });
      const meta = ctx.meta();
      return {
        block: meta.block
          ? {
              number: Number(meta.block.number),
              hash: meta.block.hash,
              timestamp: Number(meta.block.timestamp),
              parentHash: null,
            }
          : { number: 0, hash: null, timestamp: null, parentHash: null },
        deployment: meta.deployment,
        hasIndexingErrors: meta.hasIndexingErrors,
      };
    },
  };

  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: queryFields }),
    types: [GraphQLFloat],
  });
  return { schema, rootFields };
}

interface CollectionArgs {
  readonly skip?: number;
  readonly first?: number;
  readonly orderBy?: string;
  readonly orderDirection?: string;
  readonly where?: Record<string, unknown>;
}

interface BlockArgs {
  readonly block?: { hash?: string; number?: number; number_gte?: number } | null;
  readonly subgraphError?: string;
}

function checkBlock(ctx: QueryContext, args: BlockArgs): void {
  const meta = ctx.meta();
  if (meta.hasIndexingErrors && args.subgraphError !== "allow") {
    throw new QueryError("indexing_error");
  }
  const block = args.block;
  if (!block) return;
  const head = meta.block?.number ?? -1n;
  const wanted = block.number ?? block.number_gte;
  if (wanted !== undefined && wanted !== null && BigInt(wanted) > head) {
    throw new QueryError(
      `Failed to decode \`block.number\` value: \`subgraph ${meta.deployment} has only indexed up to block number ${head} and data for block number ${wanted} is therefore not yet available\``,
    );
  }
  if (block.number !== undefined && block.number !== null && BigInt(block.number) < head) {
    throw new QueryError(
      `Time-travel queries are not available in the embedded indexer: it serves block ${head}, not block ${block.number}`,
    );
  }
  if (block.hash !== undefined && block.hash !== null && meta.block && block.hash.toLowerCase() !== meta.block.hash) {
    throw new QueryError(
      `Block ${block.hash} is not the indexed head ${meta.block.hash}; time-travel queries are not available`,
    );
  }
}

function idParam(entity: EntityModel, id: string): SqlParam {
  if (entity.idScalar === "Bytes") return hexToBytes(id);
  if (entity.idScalar === "Int8") return BigInt(id);
  return id;
}

function listItem(entity: EntityModel, id: unknown): string {
  return entity.idScalar === "Bytes" ? bytesToHex(id as Buffer) : String(id);
}

function selectById(ctx: QueryContext, entity: EntityModel, id: SqlParam): Row | null {
  const row = ctx.prepare(`SELECT * FROM ${quote(entity.table)} WHERE "id" = ?`).get(id) as Row | undefined;
  return row ?? null;
}

function selectRows(
  ctx: QueryContext,
  builder: SqlBuilder,
  entity: EntityModel,
  alias: string,
  args: CollectionArgs,
  link: string,
): Row[] {
  const { first, skip } = checkPaging(args.first, args.skip);
  const where = builder.where(entity, alias, args.where);
  const order = builder.orderBy(entity, alias, args.orderBy, args.orderDirection);
  const sql = `SELECT ${alias}.* FROM ${quote(entity.table)} ${alias} WHERE (${link}) AND (${where}) ORDER BY ${order} LIMIT ${first} OFFSET ${skip}`;
  return ctx.prepare(sql).all(...builder.params) as Row[];
}
