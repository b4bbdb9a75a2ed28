import { isAlias, isMap, isNode, isPair, isSeq, type Document, type LineCounter, type Node } from 'yaml';

import { YAML_LIMITS, yamlExpansionProblem, type YamlLimitProblem, type YamlLimits } from './yaml-limits.js';

/**
 * The `yaml` package (position-aware, used for ferry.yaml and to locate
 * catalog problems) within the limits of yaml-limits.ts.
 */

/** Line and column of the node at `path` (aliases followed), else of its nearest ancestor. */
export function documentPosition(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = doc.contents?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown } | null)?.value) === String(segment),
      );
      next = pair?.value;
      const at = (pair?.key as Node | null)?.range?.[0];
      if (at !== undefined) offset = at;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      const at = (next as Node | null)?.range?.[0];
      if (at !== undefined) offset = at;
    }
    if (next === undefined) break;
    node = next;
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * What `toJS` cannot take, found first by walking the nodes in document
 * order (iteratively): nesting past the limit (its recursion would
 * overflow) and an alias naming no anchor before it (it throws a bare
 * ReferenceError). Aliases are not followed: the value check does that.
 */
export function documentDepthProblem(
  doc: Document,
  lineCounter: LineCounter,
  limits: YamlLimits = YAML_LIMITS,
): YamlLimitProblem | undefined {
  const at = (node: { range?: readonly number[] | null }, message: string): YamlLimitProblem => {
    const pos = lineCounter.linePos(node.range?.[0] ?? 0);
    return { message, path: [], line: pos.line, column: pos.col };
  };
  const anchors = new Set<string>();
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isNode(node)) continue;
    if (node.anchor) anchors.add(node.anchor);
    if (isAlias(node)) {
      if (!anchors.has(node.source)) return at(node, `alias *${node.source} refers to no anchor before it`);
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > limits.maxDepth) return at(node, `nested more than ${limits.maxDepth} levels deep`);
    // Children pushed last first: they come off the stack in document order.
    const children: unknown[] = [];
    for (const item of node.items as unknown[]) {
      if (isPair(item)) children.push(item.key, item.value);
      else children.push(item);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth: depth + 1 });
  }
  return undefined;
}

/**
 * The plain value of a `yaml` package document within the limits (depth
 * first, then aliases expanded as measured by `yamlExpansionProblem`), or
 * the problem with its position.
 */
export function documentValue(
  doc: Document,
  lineCounter: LineCounter,
  limits: YamlLimits = YAML_LIMITS,
): { readonly value: unknown } | { readonly problem: YamlLimitProblem } {
  const deep = documentDepthProblem(doc, lineCounter, limits);
  if (deep) return { problem: deep };
  // The guard below measures aliases; toJS's own alias counter would throw a bare ReferenceError.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    // None is known past the checks above; still one problem of the file, not a crash.
    return { problem: { message: `cannot read: ${(error as Error).message}`, path: [], line: 1, column: 1 } };
  }
  const problem = yamlExpansionProblem(value, limits);
  if (problem) return { problem: { ...problem, ...documentPosition(doc, lineCounter, problem.path) } };
  return { value };
}
