// Bounds on the work one query may ask for, checked on the validated document
// before anything executes: query depth, complexity (the number of entities
// it could return: `first` × children, summed) and The Graph's `first`/`skip`
// ranges, with variables substituted.
import {
  getNamedType,
  getNullableType,
  GraphQLList,
  GraphQLObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

import { FIRST_DEFAULT, FIRST_MAX, SKIP_MAX } from "./sql.ts";

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 10, maxComplexity: 500_000 };

export class QueryLimitError extends Error {
  override readonly name = "QueryLimitError";
}

interface Cost {
  readonly depth: number;
  readonly complexity: number;
}

export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined | null,
  limits: QueryLimits = DEFAULT_LIMITS,
): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return; // graphql-js reports the missing operation itself
  const root = schema.getQueryType();
  if (!root) return;

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLObjectType, depth: number, seen: Set<string>): Cost => {
    let maxDepth = depth;
    let complexity = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const cost = walk(fragment.selectionSet, parent, depth, new Set([...seen, fragment.name.value]));
        maxDepth = Math.max(maxDepth, cost.depth);
        complexity += cost.complexity;
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const cost = walk(selection.selectionSet, parent, depth, seen);
        maxDepth = Math.max(maxDepth, cost.depth);
        complexity += cost.complexity;
        continue;
      }
      const field: GraphQLField<unknown, unknown> | undefined = parent.getFields()[selection.name.value];
      if (!field) continue;
      const args: Record<string, unknown> = {};
      for (const argument of selection.arguments ?? []) {
        const definition = field.args.find((a) => a.name === argument.name.value);
        if (definition) args[argument.name.value] = valueFromAST(argument.value, definition.type, variables ?? {});
      }
      const isList = getNullableType(field.type) instanceof GraphQLList;
      let multiplier = 1;
      if (isList && field.args.some((a) => a.name === "first")) {
        const first = (args.first as number | undefined) ?? FIRST_DEFAULT;
        const skip = (args.skip as number | undefined) ?? 0;
        if (first < 0 || first > FIRST_MAX) {
          throw new QueryLimitError(`The \`first\` argument must be between 0 and ${FIRST_MAX}, but is ${first}`);
        }
        if (skip < 0 || skip > SKIP_MAX) {
          throw new QueryLimitError(`The \`skip\` argument must be between 0 and ${SKIP_MAX}, but is ${skip}`);
        }
        multiplier = first;
      }
      const named = getNamedType(field.type);
      if (selection.selectionSet && named instanceof GraphQLObjectType) {
        const child = walk(selection.selectionSet, named, depth + 1, seen);
        maxDepth = Math.max(maxDepth, child.depth);
        complexity += multiplier * (1 + child.complexity);
      } else {
        maxDepth = Math.max(maxDepth, depth);
      }
    }
    return { depth: maxDepth, complexity };
  };

  const cost = walk(operation.selectionSet, root, 1, new Set());
  if (cost.depth > limits.maxDepth) {
    throw new QueryLimitError(`Query has a depth of ${cost.depth}, which exceeds the limit of ${limits.maxDepth}`);
  }
  if (cost.complexity > limits.maxComplexity) {
    throw new QueryLimitError(
      `Query could return ${cost.complexity} entities (complexity), which exceeds the limit of ${limits.maxComplexity}; lower \`first\` or nest fewer lists`,
    );
  }
}
