// Branch coverage of Solidity sources, inferred from statement execution
// counts (EDR reports statement coverage only).
//
// Inputs, per source file:
// - the file's text and its solc AST (`src` offsets are UTF-8 byte offsets);
// - the statements EDR instruments for coverage, each with its tag and its
//   UTF-16 range (`addStatementCoverageInstrumentation`, the call Hardhat's
//   `--coverage` makes; the range starts with the trivia before the statement);
// - execution counts per tag from coverage/data. EDR reports each tag at most
//   once per transaction (a Solidity test counts as one), so a count is the
//   number of transactions in which the statement ran, not how often it ran.
//
// Because a statement that runs inside another one's transaction set is a
// subset of it (a body runs only after its `if` ran in the same transaction),
// `count(S) - count(T)` is exactly the number of transactions where S ran and
// T never did. The rules, per branch point:
// - `if` true arm: its body ran (EDR instruments the body itself, even `{}`).
// - `if` false arm with an `else` (or `else if`): the else body ran.
// - `if` false arm without `else`, when the true arm always exits (revert,
//   return, continue, break): the next statement in the block ran, which it
//   can only do past a false condition. Otherwise (or with no next statement):
//   taken when the `if` ran in a transaction where its body never ran; a
//   transaction that took both arms hides the false arm, so such a miss is
//   reported as "not proven" rather than "missed".
// - `require(...)` / `assert(...)` pass arm: the next statement in the block
//   ran. Revert arm: the call ran in a transaction where the next statement
//   never ran; a transaction that passed and reverted the same check (a
//   Solidity test calling once, then `vm.expectRevert`) hides it: "not
//   proven". Without a next statement in the block neither arm is measured.
// - `try` / `catch` clauses: the clause's first statement ran; an empty clause
//   is not measured.
// - ternary `a ? b : c` arms are expressions, which EDR does not instrument:
//   listed as not measured, never counted.
// Arms "not measured" are excluded from the totals and listed; "not proven"
// arms count as not hit.

/** One statement EDR instrumented: its tag and UTF-16 range in the source. */
export interface InstrumentedStatement {
  readonly tag: string;
  readonly startUtf16: number;
  readonly endUtf16: number;
}

/** The minimal shape of a solc AST node that this module reads. */
export interface SolcAstNode {
  readonly nodeType: string;
  readonly src: string;
  readonly [key: string]: unknown;
}

export type BranchKind = "if" | "require" | "assert" | "try" | "ternary";

/**
 * - `hit`: the counts prove the arm was taken;
 * - `missed`: the arm is measured exactly and was never taken;
 * - `not-proven`: no transaction proves the arm; it may have been taken only in
 *   transactions that also took the other arm (counted as not hit);
 * - `not-measured`: the counts cannot tell (excluded from the totals).
 */
export type ArmStatus = "hit" | "missed" | "not-proven" | "not-measured";

export interface BranchArm {
  readonly label: string;
  readonly status: ArmStatus;
}

export interface BranchPoint {
  readonly kind: BranchKind;
  /** 1-based line of the branch point's first character. */
  readonly line: number;
  /** The branch point's first source line, trimmed. */
  readonly snippet: string;
  readonly arms: readonly BranchArm[];
}

export interface FileBranchCoverage {
  readonly branches: readonly BranchPoint[];
  /** Arms whose status is `hit` / arms that are measured. */
  readonly hit: number;
  readonly total: number;
  /** Instrumented statements that ran / all instrumented statements. */
  readonly statementsHit: number;
  readonly statements: number;
}

/** Maps every UTF-8 byte offset of `text` (and its end) to a UTF-16 offset. */
export function utf8ToUtf16Offsets(text: string): Uint32Array {
  const offsets = new Uint32Array(Buffer.byteLength(text, "utf8") + 1);
  let byte = 0;
  let unit = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const bytes = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    for (let i = 0; i < bytes; i++) offsets[byte + i] = unit;
    byte += bytes;
    unit += char.length;
  }
  offsets[byte] = unit;
  return offsets;
}

/** The offset of the first character at or after `from` that is not whitespace or a comment. */
export function skipTrivia(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const char = text[i];
    if (char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\f" || char === "\v") {
      i++;
    } else if (text.startsWith("//", i)) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      break;
    }
  }
  return i;
}

function isNode(value: unknown): value is SolcAstNode {
  return typeof value === "object" && value !== null && typeof (value as { nodeType?: unknown }).nodeType === "string";
}

function child(node: SolcAstNode, key: string): SolcAstNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

function children(node: SolcAstNode, key: string): SolcAstNode[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** The name of the function a bare call statement calls (`require(...)` → "require"). */
function calledIdentifier(statement: SolcAstNode): string | undefined {
  if (statement.nodeType !== "ExpressionStatement") return undefined;
  const call = child(statement, "expression");
  if (call?.nodeType !== "FunctionCall") return undefined;
  const callee = child(call, "expression");
  return callee?.nodeType === "Identifier" && typeof callee.name === "string" ? callee.name : undefined;
}

/** Whether control never falls through `statement` (syntactically: revert, return, continue, break). */
export function alwaysExits(statement: SolcAstNode): boolean {
  switch (statement.nodeType) {
    case "Return":
    case "Continue":
    case "Break":
    case "RevertStatement":
      return true;
    case "ExpressionStatement":
      return calledIdentifier(statement) === "revert";
    case "Block":
    case "UncheckedBlock":
      return children(statement, "statements").some(alwaysExits);
    case "IfStatement": {
      const trueBody = child(statement, "trueBody");
      const falseBody = child(statement, "falseBody");
      return trueBody !== undefined && falseBody !== undefined && alwaysExits(trueBody) && alwaysExits(falseBody);
    }
    default:
      return false;
  }
}

interface Position {
  readonly start: number;
}

/**
 * Infers the branch coverage of one source file. `counts` maps a statement
 * tag to the number of transactions in which that statement ran; a tag absent
 * from it never ran.
 */
export function analyzeFileBranches(input: {
  readonly source: string;
  readonly ast: SolcAstNode;
  readonly statements: readonly InstrumentedStatement[];
  readonly counts: ReadonlyMap<string, number>;
}): FileBranchCoverage {
  const { source, ast, statements, counts } = input;
  const toUtf16 = utf8ToUtf16Offsets(source);

  // A statement's range starts with the trivia before it: key it by the first
  // real character, which is where the AST node starts. Outer statements come
  // first, so an inner one starting at the same character does not replace it.
  const tagAt = new Map<number, string>();
  for (const s of statements) {
    const start = skipTrivia(source, s.startUtf16);
    if (!tagAt.has(start)) tagAt.set(start, s.tag);
  }

  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };

  const position = (node: SolcAstNode): Position => {
    const byteStart = Number(node.src.split(":")[0]);
    const start = toUtf16[byteStart];
    if (start === undefined) throw new Error(`AST offset ${node.src} lies outside the source`);
    return { start };
  };
  const tagOf = (node: SolcAstNode | undefined): string | undefined =>
    node === undefined ? undefined : tagAt.get(position(node).start);
  /** Transactions in which `node` ran; undefined when it is not instrumented. */
  const countOf = (node: SolcAstNode | undefined): number | undefined => {
    const tag = tagOf(node);
    return tag === undefined ? undefined : (counts.get(tag) ?? 0);
  };
  const firstStatement = (block: SolcAstNode | undefined): SolcAstNode | undefined =>
    block === undefined ? undefined : children(block, "statements").find((s) => tagOf(s) !== undefined);

  const branches: BranchPoint[] = [];
  const addBranch = (kind: BranchKind, node: SolcAstNode, arms: BranchArm[]): void => {
    const start = position(node).start;
    const line = lineOf(start);
    const lineEnd = source.indexOf("\n", start);
    const snippet = source.slice(start, lineEnd === -1 ? source.length : lineEnd).trim();
    branches.push({ kind, line, snippet, arms });
  };

  const presence = (count: number | undefined): ArmStatus =>
    count === undefined ? "not-measured" : count > 0 ? "hit" : "missed";
  /** The arm taken in transactions where `outer` ran and `inner` did not. */
  const difference = (outer: number | undefined, inner: number | undefined): ArmStatus => {
    if (outer === undefined || inner === undefined) return "not-measured";
    if (outer === 0) return "missed";
    return outer > inner ? "hit" : "not-proven";
  };

  const visitIf = (node: SolcAstNode, next: SolcAstNode | undefined): void => {
    const trueBody = child(node, "trueBody");
    const falseBody = child(node, "falseBody");
    const trueCount = countOf(trueBody);
    let falseStatus: ArmStatus;
    if (falseBody !== undefined) {
      falseStatus = presence(countOf(falseBody));
    } else if (trueBody !== undefined && alwaysExits(trueBody) && next !== undefined) {
      falseStatus = presence(countOf(next));
    } else {
      falseStatus = difference(countOf(node), trueCount);
    }
    addBranch("if", node, [
      { label: "true", status: presence(trueCount) },
      { label: "false", status: falseStatus },
    ]);
  };

  const visitCheck = (kind: "require" | "assert", node: SolcAstNode, next: SolcAstNode | undefined): void => {
    const nextCount = countOf(next);
    addBranch(kind, node, [
      { label: "pass", status: presence(nextCount) },
      { label: "revert", status: next === undefined ? "not-measured" : difference(countOf(node), nextCount) },
    ]);
  };

  const visitTry = (node: SolcAstNode): void => {
    const arms = children(node, "clauses").map((clause, index): BranchArm => {
      const errorName = typeof clause.errorName === "string" ? clause.errorName : "";
      const label =
        index === 0
          ? "success"
          : errorName !== ""
            ? `catch ${errorName}`
            : child(clause, "parameters") !== undefined
              ? "catch (bytes)"
              : "catch";
      return { label, status: presence(countOf(firstStatement(child(clause, "block")))) };
    });
    addBranch("try", node, arms);
  };

  const visit = (node: SolcAstNode, next: SolcAstNode | undefined): void => {
    switch (node.nodeType) {
      case "IfStatement":
        visitIf(node, next);
        break;
      case "TryStatement":
        visitTry(node);
        break;
      case "Conditional":
        addBranch("ternary", node, [
          { label: "true", status: "not-measured" },
          { label: "false", status: "not-measured" },
        ]);
        break;
      default: {
        const name = calledIdentifier(node);
        if (name === "require" || name === "assert") visitCheck(name, node, next);
      }
    }

    const isBlock = node.nodeType === "Block" || node.nodeType === "UncheckedBlock";
    for (const [key, value] of Object.entries(node)) {
      if (isBlock && key === "statements" && Array.isArray(value)) {
        const list = value.filter(isNode);
        list.forEach((statement, index) => {
          const following = list.slice(index + 1).find((s) => tagOf(s) !== undefined);
          visit(statement, following);
        });
      } else if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item, undefined);
      } else if (isNode(value)) {
        visit(value, undefined);
      }
    }
  };
  visit(ast, undefined);
  branches.sort((a, b) => a.line - b.line);

  let hit = 0;
  let total = 0;
  for (const branch of branches) {
    for (const arm of branch.arms) {
      if (arm.status === "not-measured") continue;
      total++;
      if (arm.status === "hit") hit++;
    }
  }
  const statementsHit = statements.filter((s) => (counts.get(s.tag) ?? 0) > 0).length;
  return { branches, hit, total, statementsHit, statements: statements.length };
}
