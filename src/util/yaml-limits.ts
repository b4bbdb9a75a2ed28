import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

import { FerryError, type ErrorCode } from '../errors.js';

/**
 * The guard every YAML reader of ferry goes through (catalog files,
 * ferry.yaml, commit.yaml): a document-size limit checked before parsing,
 * a nesting limit the parsers enforce while parsing, and an expansion limit
 * checked on the parsed value. This module holds the limits and the checks
 * of text and values; load-yaml.ts applies them to js-yaml,
 * yaml-document-value.ts to the `yaml` package. Both YAML libraries share an aliased node
 * instead of copying it, so parsing a "billion laughs" document is cheap;
 * what blows up is whatever walks the value afterwards (merging, JSON,
 * validation). The value is therefore measured as if every alias were
 * copied, in one pass that visits each shared node once, before anything
 * else sees it. Cycles (`&a [*a]`, which both libraries build) are refused
 * for the same reason.
 */

export interface YamlLimits {
  /** Largest document, in bytes (characters when given text). */
  readonly maxBytes: number;
  /** Deepest nesting of collections, aliases expanded. */
  readonly maxDepth: number;
  /**
   * Largest document once every alias is expanded, measured as characters
   * of keys and scalars plus one per node (at most the document's own size
   * when it has no aliases).
   */
  readonly maxExpandedSize: number;
}

const MiB = 1024 * 1024;

/** The defaults: 100 times rdoinfo's largest file (84 KB), 10 times its deepest nesting (6). */
export const YAML_LIMITS: YamlLimits = { maxBytes: 8 * MiB, maxDepth: 64, maxExpandedSize: 16 * MiB };

/** A limit a YAML document goes past; `path` is where in it (keys and indexes), line and column when known. */
export interface YamlLimitProblem {
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly line?: number;
  readonly column?: number;
}

/** `16 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The problem with a document of `size` bytes, if it is too large. */
export function yamlSizeProblem(
  size: number,
  limits: YamlLimits = YAML_LIMITS,
): YamlLimitProblem | undefined {
  if (size <= limits.maxBytes) return undefined;
  return {
    message: `document too large: ${size} bytes, the limit is ${formatBytes(limits.maxBytes)}`,
    path: [],
  };
}

/**
 * Reads a YAML file of at most `limits.maxBytes` bytes. Only regular files
 * are read (a FIFO or a device would block or never end; it is opened
 * without blocking to find out). Throws FerryError(`code`) naming the file
 * for a file that is too large or not regular; errors of the file system
 * (ENOENT...) are thrown as they are.
 */
export async function readYamlFile(
  path: string,
  code: ErrorCode,
  limits: YamlLimits = YAML_LIMITS,
): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FerryError(code, 'not a regular file', { file: path });
    const tooLarge = yamlSizeProblem(info.size, limits);
    if (tooLarge) throw new FerryError(code, tooLarge.message, { file: path });
    // One byte more than allowed tells a file that grew since the stat.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        throw new FerryError(code, `document changed size while read (over ${info.size} bytes)`, {
          file: path,
        });
      }
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

interface Frame {
  readonly node: object;
  /** Key of this node in its parent (undefined for the root). */
  readonly key: string | number | undefined;
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  index: number;
  size: number;
  depth: number;
}

function isCollection(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function scalarSize(value: unknown): number {
  return typeof value === 'string' ? value.length : 1;
}

/**
 * The size of a small collection of scalars (most nodes of a document), or
 * undefined: measured on the spot, without a frame or a memo entry (which
 * cost more than the parse on a document of small mappings). Recomputing
 * one at each reference costs at most LEAF_ENTRIES per alias.
 */
const LEAF_ENTRIES = 16;

function leafSize(node: object): number | undefined {
  let size = 1;
  if (Array.isArray(node)) {
    if (node.length > LEAF_ENTRIES) return undefined;
    for (const item of node as unknown[]) {
      if (isCollection(item)) return undefined;
      size += scalarSize(item);
    }
    return size;
  }
  let entries = 0;
  for (const key in node) {
    if (++entries > LEAF_ENTRIES) return undefined;
    const item = (node as Record<string, unknown>)[key];
    if (isCollection(item)) return undefined;
    size += key.length + scalarSize(item);
  }
  return size;
}

function frameOf(node: object, key: string | number | undefined): Frame {
  const keys = Array.isArray(node) ? undefined : Object.keys(node);
  return {
    node,
    key,
    keys,
    length: keys ? keys.length : (node as unknown[]).length,
    index: 0,
    size: 1,
    depth: 1,
  };
}

/**
 * Where a parsed value goes past the limits once its aliases are expanded:
 * too large, too deep, or containing itself. Shared nodes are measured once
 * (memoised), so the walk costs what the document costs, however much it
 * expands. Only arrays and plain objects are walked; anything else counts
 * as a scalar.
 */
export function yamlExpansionProblem(
  value: unknown,
  limits: YamlLimits = YAML_LIMITS,
): YamlLimitProblem | undefined {
  return measureYaml(value, limits).problem;
}

/** The size of a parsed value with its aliases expanded (see `YamlLimits`), or the limit it goes past. */
export function measureYaml(
  value: unknown,
  limits: YamlLimits = YAML_LIMITS,
): { readonly size: number; readonly problem?: YamlLimitProblem } {
  if (!isCollection(value)) return { size: scalarSize(value) };
  const result = walk(value, limits);
  return typeof result === 'number' ? { size: result } : { size: Infinity, problem: result };
}

function walk(value: object, limits: YamlLimits): number | YamlLimitProblem {
  const measured = new Map<object, { size: number; depth: number }>();
  const open = new Set<object>([value]);
  const stack: Frame[] = [frameOf(value, undefined)];
  const pathOf = (extra?: string | number): (string | number)[] => {
    const path = stack.slice(1).map((frame) => frame.key!);
    return extra === undefined ? path : [...path, extra];
  };
  /** The frame on top of the stack past a limit; the first one found is a smallest (none of its parts was). */
  const pastLimit = (frame: Frame): YamlLimitProblem | undefined => {
    if (frame.depth > limits.maxDepth) {
      return { message: `nested more than ${limits.maxDepth} levels deep (through aliases)`, path: pathOf() };
    }
    if (frame.size > limits.maxExpandedSize) {
      return {
        message: `aliases expand the document past ${formatBytes(limits.maxExpandedSize)}`,
        path: pathOf(),
      };
    }
    return undefined;
  };
  for (;;) {
    const frame = stack[stack.length - 1]!;
    if (frame.index === frame.length) {
      stack.pop();
      open.delete(frame.node);
      measured.set(frame.node, { size: frame.size, depth: frame.depth });
      const parent = stack[stack.length - 1];
      if (!parent) return frame.size;
      parent.size += frame.size;
      parent.depth = Math.max(parent.depth, frame.depth + 1);
      const problem = pastLimit(parent);
      if (problem) return problem;
      continue;
    }
    const index = frame.index++;
    const key = frame.keys ? frame.keys[index]! : index;
    const child: unknown = frame.keys
      ? (frame.node as Record<string, unknown>)[key]
      : (frame.node as unknown[])[index];
    if (frame.keys) frame.size += (key as string).length;
    if (!isCollection(child)) {
      frame.size += scalarSize(child);
    } else if (open.has(child)) {
      return { message: 'an alias refers to a node that contains it (recursive alias)', path: pathOf(key) };
    } else {
      const leaf = leafSize(child);
      const known = leaf === undefined ? measured.get(child) : { size: leaf, depth: 1 };
      if (!known) {
        open.add(child);
        stack.push(frameOf(child, key));
        if (stack.length > limits.maxDepth) {
          return { message: `nested more than ${limits.maxDepth} levels deep`, path: pathOf() };
        }
        continue;
      }
      frame.size += known.size;
      frame.depth = Math.max(frame.depth, known.depth + 1);
    }
    const problem = pastLimit(frame);
    if (problem) return problem;
  }
}

/** `x.i[0]` for messages. */
export function formatValuePath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/**
 * One line for an error of the `yaml` package, in the user's words rather
 * than its API's (here, not in yaml-document-value.ts: the catalog uses it
 * without loading that package until a file has a syntax error).
 */
export function yamlErrorMessage(
  error: { readonly code: string; readonly message: string },
  limits: YamlLimits = YAML_LIMITS,
): string {
  if (error.code === 'MULTIPLE_DOCS') return 'a second YAML document starts here (---): the file holds one';
  // Its composer turns a stack overflow into an error of the document.
  if (error.message.startsWith('Maximum call stack size exceeded')) {
    return `nested more than ${limits.maxDepth} levels deep`;
  }
  return error.message.split('\n')[0]!;
}
