// Translates The Graph's collection arguments (where / orderBy /
// orderDirection / first / skip) into SQL over the store's tables. Values are
// always bound parameters; identifiers come from the schema model only.
import type { EntityModel, FieldModel, SchemaModel } from "../store/model.ts";
import { quote } from "../store/store.ts";
import { encodeBigInt, hexToBytes, EntityValidationError } from "../store/values.ts";

export const FIRST_DEFAULT = 100;
export const FIRST_MAX = 1000;
export const SKIP_MAX = 5000;

export class QueryError extends Error {
  override readonly name = "QueryError";
}

export type SqlParam = string | number | bigint | Buffer | null;

/** Filter suffixes, longest first so that `_not_contains_nocase` wins over `_not`. */
export const STRING_SUFFIXES = [
  "_not_contains_nocase",
  "_not_starts_with_nocase",
  "_not_ends_with_nocase",
  "_contains_nocase",
  "_starts_with_nocase",
  "_ends_with_nocase",
  "_not_contains",
  "_not_starts_with",
  "_not_ends_with",
  "_contains",
  "_starts_with",
  "_ends_with",
] as const;
export const ORDER_SUFFIXES = ["_not_in", "_not", "_gte", "_lte", "_gt", "_lt", "_in"] as const;
export const LIST_SUFFIXES = [
  "_not_contains_nocase",
  "_contains_nocase",
  "_not_contains",
  "_contains",
  "_not",
] as const;

/** Which suffixes a stored field accepts in `where` (besides equality). */
export function suffixesFor(field: FieldModel): readonly string[] {
  if (field.list) return LIST_SUFFIXES;
  if (field.kind === "enum") return ["_not", "_in", "_not_in"];
  if (field.kind === "entity") return [...ORDER_SUFFIXES, ...STRING_SUFFIXES];
  switch (field.scalar) {
    case "Boolean":
      return ["_not", "_in", "_not_in"];
    case "String":
      return [...ORDER_SUFFIXES, ...STRING_SUFFIXES];
    case "ID":
      return ORDER_SUFFIXES;
    case "Bytes":
      return [...ORDER_SUFFIXES, "_contains", "_not_contains"];
    default:
      return ORDER_SUFFIXES;
  }
}

/** A field's GraphQL input value → its SQLite representation. */
export function toSqlValue(field: FieldModel, value: unknown): SqlParam {
  if (value === null || value === undefined) return null;
  try {
    if (field.kind === "enum") return String(value);
    switch (field.scalar) {
      case "Bytes":
        return hexToBytes(String(value));
      case "BigInt":
        return encodeBigInt(BigInt(value as string));
      case "Int":
        return Number(value);
      case "Int8":
      case "Timestamp":
        return BigInt(value as string);
      case "Boolean":
        return value ? 1 : 0;
      default:
        return String(value);
    }
  } catch (error) {
    if (error instanceof EntityValidationError) throw new QueryError(error.message);
    throw new QueryError(`Invalid value \`${String(value)}\` for \`${field.name}\` (${field.typeName})`);
  }
}

function listItemToJson(field: FieldModel, value: unknown): string {
  if (field.scalar === "Bytes") return `0x${hexToBytes(String(value)).toString("hex")}`;
  return String(value);
}

export class SqlBuilder {
  readonly params: SqlParam[] = [];
  readonly model: SchemaModel;
  #aliases = 0;

  // No parameter property: this module also loads in the query worker, under Node's type stripping.
  constructor(model: SchemaModel) {
    this.model = model;
  }

  alias(): string {
    return `t${this.#aliases++}`;
  }

  bind(value: SqlParam): string {
    this.params.push(value);
    return "?";
  }

  /** SQL condition for a `where` object on `entity` aliased as `alias`. */
  where(entity: EntityModel, alias: string, filter: Record<string, unknown> | null | undefined): string {
    if (!filter) return "1";
    const parts: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      parts.push(this.#condition(entity, alias, key, value));
    }
    return parts.length === 0 ? "1" : parts.map((p) => `(${p})`).join(" AND ");
  }

  #condition(entity: EntityModel, alias: string, key: string, value: unknown): string {
    if (key === "and" || key === "or") {
      const items = (value as Record<string, unknown>[] | null) ?? [];
      if (items.length === 0) return key === "and" ? "1" : "0";
      return items.map((item) => `(${this.where(entity, alias, item)})`).join(key === "and" ? " AND " : " OR ");
    }
    if (key === "_change_block") {
      const gte = (value as { number_gte: number }).number_gte;
      return `${alias}."_block" >= ${this.bind(gte)}`;
    }
    if (key.endsWith("_") && entity.fieldsByName.has(key.slice(0, -1))) {
      return this.#nested(entity, alias, entity.fieldsByName.get(key.slice(0, -1)) as FieldModel, value);
    }
    const direct = entity.fieldsByName.get(key);
    if (direct) return this.#compare(alias, direct, "", value);
    for (const field of entity.storedFields) {
      if (!key.startsWith(field.name)) continue;
      const suffix = key.slice(field.name.length);
      if (suffix !== "" && suffixesFor(field).includes(suffix)) return this.#compare(alias, field, suffix, value);
    }
    throw new QueryError(`Filter \`${key}\` is not a field or filter of ${entity.name}`);
  }

  #nested(entity: EntityModel, alias: string, field: FieldModel, value: unknown): string {
    if (field.kind !== "entity") throw new QueryError(`\`${field.name}_\` filters need an entity field`);
    const target = this.model.entitiesByName.get(field.typeName) as EntityModel;
    const inner = this.alias();
    const condition = this.where(target, inner, value as Record<string, unknown>);
    const table = quote(target.table);
    if (field.derivedFrom !== undefined) {
      const back = target.fieldsByName.get(field.derivedFrom) as FieldModel;
      const link = back.list
        ? `EXISTS (SELECT 1 FROM json_each(${inner}.${quote(back.column)}) WHERE value = ${idAsListItem(entity, alias)})`
        : `${inner}.${quote(back.column)} = ${alias}."id"`;
      return `EXISTS (SELECT 1 FROM ${table} ${inner} WHERE ${link} AND (${condition}))`;
    }
    if (field.list) {
      return `EXISTS (SELECT 1 FROM ${table} ${inner} WHERE EXISTS (SELECT 1 FROM json_each(${alias}.${quote(field.column)}) j WHERE j.value = ${idAsListItem(target, inner)}) AND (${condition}))`;
    }
    return `${alias}.${quote(field.column)} IN (SELECT ${inner}."id" FROM ${table} ${inner} WHERE ${condition})`;
  }

  #compare(alias: string, field: FieldModel, suffix: string, value: unknown): string {
    const column = `${alias}.${quote(field.column)}`;
    if (field.derivedFrom !== undefined)
      throw new QueryError(`Derived field \`${field.name}\` can only be filtered with \`${field.name}_\``);
    if (field.list) return this.#compareList(column, field, suffix, value);
    switch (suffix) {
      case "":
        return value === null ? `${column} IS NULL` : `${column} = ${this.bind(toSqlValue(field, value))}`;
      case "_not":
        return value === null ? `${column} IS NOT NULL` : `${column} IS NOT ${this.bind(toSqlValue(field, value))}`;
      case "_gt":
        return `${column} > ${this.bind(toSqlValue(field, value))}`;
      case "_gte":
        return `${column} >= ${this.bind(toSqlValue(field, value))}`;
      case "_lt":
        return `${column} < ${this.bind(toSqlValue(field, value))}`;
      case "_lte":
        return `${column} <= ${this.bind(toSqlValue(field, value))}`;
      case "_in":
      case "_not_in": {
        const items = (value as unknown[] | null) ?? [];
        if (items.length === 0) return suffix === "_in" ? "0" : "1";
        const list = items.map((item) => this.bind(toSqlValue(field, item))).join(", ");
        return `${column} ${suffix === "_in" ? "IN" : "NOT IN"} (${list})`;
      }
    }
    const negate = suffix.startsWith("_not_");
    const nocase = suffix.endsWith("_nocase");
    const op = suffix.replace(/^_not/, "").replace(/_nocase$/, "");
    const raw = field.scalar === "Bytes" ? toSqlValue(field, value) : String(value);
    const subject = nocase ? `lower(${column})` : column;
    // A fresh placeholder for every use of the needle.
    const needle = (): string => (nocase ? `lower(${this.bind(raw)})` : this.bind(raw));
    let test: string;
    if (op === "_contains") test = `instr(${subject}, ${needle()}) > 0`;
    else if (op === "_starts_with") test = `substr(${subject}, 1, length(${needle()})) = ${needle()}`;
    else if (op === "_ends_with") test = `substr(${subject}, -length(${needle()})) = ${needle()}`;
    else throw new QueryError(`unknown filter suffix ${suffix}`);
    return negate ? `NOT (${column} IS NOT NULL AND ${test})` : `(${column} IS NOT NULL AND ${test})`;
  }

  #compareList(column: string, field: FieldModel, suffix: string, value: unknown): string {
    const items = (value as unknown[] | null) ?? [];
    if (suffix === "" || suffix === "_not") {
      const json = value === null ? null : JSON.stringify(items.map((item) => listItemToJson(field, item)));
      if (json === null) return suffix === "" ? `${column} IS NULL` : `${column} IS NOT NULL`;
      return `${column} ${suffix === "" ? "=" : "IS NOT"} ${this.bind(json)}`;
    }
    const nocase = suffix.endsWith("_nocase");
    const each = items.map((item) => {
      const param = this.bind(listItemToJson(field, item));
      return nocase
        ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE lower(value) = lower(${param}))`
        : `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ${param})`;
    });
    const all = each.length === 0 ? "1" : each.join(" AND ");
    return suffix.startsWith("_not") ? `NOT (${all})` : all;
  }

  /** ORDER BY clause: the chosen field (or `ref__field`), then id as a tie-breaker. */
  orderBy(entity: EntityModel, alias: string, orderBy: string | undefined, direction: string | undefined): string {
    const dir = direction === "desc" ? "DESC" : "ASC";
    if (!orderBy || orderBy === "id") return `${alias}."id" ${dir}`;
    const [head, nested] = orderBy.split("__");
    const field = entity.fieldsByName.get(head ?? "");
    if (!field || field.derivedFrom !== undefined || field.list) {
      throw new QueryError(`Cannot order ${entity.name} by \`${orderBy}\``);
    }
    if (nested === undefined) return `${alias}.${quote(field.column)} ${dir}, ${alias}."id" ${dir}`;
    const target = this.model.entitiesByName.get(field.typeName);
    const targetField = target?.fieldsByName.get(nested);
    if (!target || !targetField) throw new QueryError(`Cannot order ${entity.name} by \`${orderBy}\``);
    return `(SELECT o.${quote(targetField.column)} FROM ${quote(target.table)} o WHERE o."id" = ${alias}.${quote(field.column)}) ${dir}, ${alias}."id" ${dir}`;
  }
}

function idAsListItem(entity: EntityModel, alias: string): string {
  // List columns hold ids as JSON text: Bytes ids as 0x-hex.
  return entity.idScalar === "Bytes" ? `'0x' || lower(hex(${alias}."id"))` : `${alias}."id"`;
}

/** Checks `first` / `skip` as The Graph does. */
export function checkPaging(first: number | undefined, skip: number | undefined): { first: number; skip: number } {
  const f = first ?? FIRST_DEFAULT;
  const s = skip ?? 0;
  if (!Number.isInteger(f) || f < 0 || f > FIRST_MAX) {
    throw new QueryError(`The \`first\` argument must be between 0 and ${FIRST_MAX}, but is ${f}`);
  }
  if (!Number.isInteger(s) || s < 0 || s > SKIP_MAX) {
    throw new QueryError(`The \`skip\` argument must be between 0 and ${SKIP_MAX}, but is ${s}`);
  }
  return { first: f, skip: s };
}
