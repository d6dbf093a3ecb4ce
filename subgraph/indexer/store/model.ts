// The entity model of schema.graphql, parsed with graphql-js: entity types,
// their fields and how each field is stored. Both the WASM host's store and
// the GraphQL server are driven by this model, so neither hard-codes entities.
import { readFileSync } from "node:fs";

import { Kind, parse, type DocumentNode, type TypeNode } from "graphql";

export type ScalarKind = "ID" | "String" | "Bytes" | "BigInt" | "BigDecimal" | "Int" | "Int8" | "Timestamp" | "Boolean";

export interface FieldModel {
  readonly name: string;
  readonly description: string | undefined;
  /** Scalar name, enum name or entity name of the (innermost) type. */
  readonly typeName: string;
  readonly kind: "scalar" | "enum" | "entity";
  /** For kind "scalar": the scalar; for "entity": the scalar of the referenced entity's id. */
  readonly scalar: ScalarKind | undefined;
  readonly list: boolean;
  readonly nonNull: boolean;
  /** `@derivedFrom(field:)`: not stored, resolved from the other side. */
  readonly derivedFrom: string | undefined;
  /** SQL column name (fields named like SQL keywords are quoted anyway). */
  readonly column: string;
}

export interface EntityModel {
  readonly name: string;
  readonly description: string | undefined;
  readonly immutable: boolean;
  readonly idScalar: "ID" | "String" | "Bytes" | "Int8";
  readonly fields: readonly FieldModel[];
  readonly fieldsByName: ReadonlyMap<string, FieldModel>;
  /** Stored fields (not derived), id first. */
  readonly storedFields: readonly FieldModel[];
  readonly table: string;
}

export interface EnumModel {
  readonly name: string;
  readonly description: string | undefined;
  readonly values: readonly { readonly name: string; readonly description: string | undefined }[];
}

export interface SchemaModel {
  readonly source: string;
  readonly entities: readonly EntityModel[];
  readonly entitiesByName: ReadonlyMap<string, EntityModel>;
  readonly enums: ReadonlyMap<string, EnumModel>;
}

const SCALARS = new Set<string>([
  "ID",
  "String",
  "Bytes",
  "BigInt",
  "BigDecimal",
  "Int",
  "Int8",
  "Timestamp",
  "Boolean",
]);

export class SchemaModelError extends Error {
  override readonly name = "SchemaModelError";
}

function unwrap(type: TypeNode): { name: string; list: boolean; nonNull: boolean } {
  let nonNull = false;
  let list = false;
  let node = type;
  if (node.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    node = node.type;
  }
  if (node.kind === Kind.LIST_TYPE) {
    list = true;
    node = node.type;
    if (node.kind === Kind.NON_NULL_TYPE) node = node.type;
  }
  if (node.kind !== Kind.NAMED_TYPE) throw new SchemaModelError("nested lists are not supported");
  return { name: node.name.value, list, nonNull };
}

/** Parses a subgraph schema (entities with @entity, enums, @derivedFrom). */
export function parseSchemaModel(source: string): SchemaModel {
  const document: DocumentNode = parse(source);
  const enums = new Map<string, EnumModel>();
  const entityNames = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      enums.set(definition.name.value, {
        name: definition.name.value,
        description: definition.description?.value,
        values: (definition.values ?? []).map((v) => ({ name: v.name.value, description: v.description?.value })),
      });
    } else if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
      entityNames.add(definition.name.value);
    }
  }
  const idScalars = new Map<string, EntityModel["idScalar"]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const id = definition.fields?.find((f) => f.name.value === "id");
    if (!id) throw new SchemaModelError(`entity ${definition.name.value} has no id field`);
    const idType = unwrap(id.type).name;
    if (idType !== "ID" && idType !== "String" && idType !== "Bytes" && idType !== "Int8") {
      throw new SchemaModelError(`entity ${definition.name.value}: id must be ID, String, Bytes or Int8`);
    }
    idScalars.set(definition.name.value, idType);
  }

  const entities: EntityModel[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const name = definition.name.value;
    const entityDirective = definition.directives?.find((d) => d.name.value === "entity");
    if (!entityDirective) throw new SchemaModelError(`type ${name} lacks @entity`);
    const immutableArg = entityDirective.arguments?.find((a) => a.name.value === "immutable");
    const immutable = immutableArg?.value.kind === Kind.BOOLEAN && immutableArg.value.value;
    const fields: FieldModel[] = (definition.fields ?? []).map((field) => {
      const { name: typeName, list, nonNull } = unwrap(field.type);
      const derived = field.directives?.find((d) => d.name.value === "derivedFrom");
      const derivedArg = derived?.arguments?.find((a) => a.name.value === "field");
      const derivedFrom = derivedArg?.value.kind === Kind.STRING ? derivedArg.value.value : undefined;
      let kind: FieldModel["kind"];
      let scalar: ScalarKind | undefined;
      if (SCALARS.has(typeName)) {
        kind = "scalar";
        scalar = typeName as ScalarKind;
      } else if (enums.has(typeName)) {
        kind = "enum";
      } else if (entityNames.has(typeName)) {
        kind = "entity";
        scalar = idScalars.get(typeName);
      } else {
        throw new SchemaModelError(`${name}.${field.name.value}: unknown type ${typeName}`);
      }
      return {
        name: field.name.value,
        description: field.description?.value,
        typeName,
        kind,
        scalar,
        list,
        nonNull,
        derivedFrom,
        column: field.name.value,
      };
    });
    entities.push({
      name,
      description: definition.description?.value,
      immutable: Boolean(immutable),
      idScalar: idScalars.get(name) ?? "ID",
      fields,
      fieldsByName: new Map(fields.map((f) => [f.name, f])),
      storedFields: fields.filter((f) => f.derivedFrom === undefined),
      table: name,
    });
  }
  return { source, entities, entitiesByName: new Map(entities.map((e) => [e.name, e])), enums };
}

export function loadSchemaModel(path: string): SchemaModel {
  return parseSchemaModel(readFileSync(path, "utf8"));
}
