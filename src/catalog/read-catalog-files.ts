import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { FerryError } from '../errors.js';
import { isSafeName } from '../util/names.js';
import type { ProblemRef, YamlValue } from './catalog-model.js';
import { isYamlList, isYamlMap, parseYaml } from './yaml-parse.js';

/** Entry files looked for, in this order, when the catalog path is a directory (a checkout). */
export const CATALOG_ENTRY_FILES = ['rdo-full.yml', 'rdo.yml', 'catalog.yml', 'catalog.yaml'] as const;

/** One catalog file as read. */
export interface CatalogFile {
  /** Path relative to the catalog root, as imports name it. */
  readonly file: string;
  readonly text: string;
  /** The parsed document; `undefined` when it could not be parsed. */
  readonly value: YamlValue | undefined;
}

/** Every file of a catalog, and the order distroinfo merges them in. */
export interface CatalogSources {
  /** Absolute directory imports are relative to. */
  readonly root: string;
  readonly entryFile: string;
  /** Each file once, in first-read order. */
  readonly files: ReadonlyMap<string, CatalogFile>;
  /**
   * Files in merge order: depth-first, a file before its imports, as
   * distroinfo fetches them. A file imported twice appears twice (rdoinfo's
   * tags.yml is imported by rdo-full.yml and by rdo.yml).
   */
  readonly order: readonly string[];
  readonly problems: readonly ProblemRef[];
}

async function resolveEntry(path: string): Promise<{ root: string; entryFile: string }> {
  const absolute = resolve(path);
  let info;
  try {
    info = await stat(absolute);
  } catch (error) {
    throw new FerryError('FERRY_CATALOG_INVALID', `catalog not found: ${absolute}`, { cause: error });
  }
  if (!info.isDirectory()) return { root: dirname(absolute), entryFile: basename(absolute) };
  for (const candidate of CATALOG_ENTRY_FILES) {
    try {
      if ((await stat(join(absolute, candidate))).isFile()) return { root: absolute, entryFile: candidate };
    } catch {
      // not this one
    }
  }
  throw new FerryError(
    'FERRY_CATALOG_INVALID',
    `no catalog in ${absolute}: expected one of ${CATALOG_ENTRY_FILES.join(', ')}`,
  );
}

/** Import paths are relative to the catalog root and may not leave it. */
function isSafeImport(path: string): boolean {
  return path.split('/').every((segment) => isSafeName(segment));
}

interface ReadState {
  readonly root: string;
  readonly cache: Map<string, Promise<CatalogFile | Error>>;
  readonly files: Map<string, CatalogFile>;
  readonly order: string[];
  readonly problems: ProblemRef[];
  /** The chain of files being imported (distroinfo's `fetching`). */
  readonly fetching: string[];
  /** Cycles already reported, by their sorted files. */
  readonly cycles: Set<string>;
}

function load(state: ReadState, file: string): Promise<CatalogFile | Error> {
  let pending = state.cache.get(file);
  if (!pending) {
    pending = readFile(join(state.root, file), 'utf8').then(
      (text) => {
        const parsed = parseYaml(text, file);
        if (parsed.syntaxError) {
          state.problems.push({
            severity: 'error',
            code: 'yaml-syntax',
            at: { file, path: [], line: parsed.syntaxError.line, column: parsed.syntaxError.column },
            message: `YAML syntax error: ${parsed.syntaxError.message}`,
          });
        }
        if (parsed.duplicateKey) {
          state.problems.push({
            severity: 'warning',
            code: 'duplicate-key',
            at: { file, path: [], line: parsed.duplicateKey.line, column: parsed.duplicateKey.column },
            message: `${parsed.duplicateKey.message}: the last value is used`,
          });
        }
        return { file, text, value: parsed.value };
      },
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    state.cache.set(file, pending);
  }
  return pending;
}

function importsOf(value: YamlValue | undefined): readonly YamlValue[] {
  if (!isYamlMap(value)) return [];
  const imports = value.import;
  return isYamlList(imports) ? imports : [];
}

/** distroinfo's fetch: a file, then its imports depth-first; a file importing one of its importers is circular. */
async function visit(state: ReadState, file: string): Promise<void> {
  const loaded = await load(state, file);
  if (loaded instanceof Error) return;
  if (!state.files.has(file)) state.files.set(file, loaded);
  state.order.push(file);
  const value = loaded.value;
  if (isYamlMap(value) && value.import !== undefined && value.import !== null && !isYamlList(value.import)) {
    state.problems.push({
      severity: 'error',
      code: 'invalid-type',
      at: { file, path: ['import'] },
      message: 'import must be a list of file names',
    });
  }
  const targets: { index: number; target: string }[] = [];
  importsOf(value).forEach((item, index) => {
    const at = { file, path: ['import', index] };
    if (typeof item !== 'string') {
      state.problems.push({
        severity: 'error',
        code: 'invalid-import',
        at,
        message: isYamlMap(item)
          ? 'remote imports (remote-info) are not supported: vendor the remote files into the catalog'
          : 'an import must be a file name',
      });
      return;
    }
    if (!isSafeImport(item)) {
      state.problems.push({
        severity: 'error',
        code: 'invalid-import',
        at,
        message: `import ${JSON.stringify(item)} must be a path relative to the catalog root, without '..'`,
      });
      return;
    }
    targets.push({ index, target: item });
  });
  // Start every read at once; merge order stays depth-first.
  for (const { target } of targets) void load(state, target);
  state.fetching.push(file);
  for (const { index, target } of targets) {
    const at = { file, path: ['import', index] };
    const loop = state.fetching.indexOf(target);
    if (loop >= 0) {
      const cycle = state.fetching.slice(loop);
      const key = [...cycle].sort().join('\0');
      if (!state.cycles.has(key)) {
        state.cycles.add(key);
        state.problems.push({
          severity: 'error',
          code: 'circular-import',
          at,
          message: `circular import: ${[...cycle, target].join(' -> ')}`,
        });
      }
      continue;
    }
    const loaded = await load(state, target);
    if (loaded instanceof Error) {
      state.problems.push({
        severity: 'error',
        code: 'missing-import',
        at,
        message: `cannot read ${target}: ${(loaded as NodeJS.ErrnoException).code ?? loaded.message}`,
      });
      continue;
    }
    await visit(state, target);
  }
  state.fetching.pop();
}

/**
 * Reads a catalog: `path` is an entry file or a directory holding one (see
 * `CATALOG_ENTRY_FILES`). Imports are followed (relative to the entry file's
 * directory, as distroinfo does). Problems in imported files are collected;
 * an unreadable entry throws FERRY_CATALOG_INVALID.
 */
export async function readCatalogFiles(path: string): Promise<CatalogSources> {
  const { root, entryFile } = await resolveEntry(path);
  const state: ReadState = {
    root,
    cache: new Map(),
    files: new Map(),
    order: [],
    problems: [],
    fetching: [],
    cycles: new Set(),
  };
  const entry = await load(state, entryFile);
  if (entry instanceof Error) {
    throw new FerryError(
      'FERRY_CATALOG_INVALID',
      `cannot read catalog ${join(root, entryFile)}: ${entry.message}`,
      {
        cause: entry,
      },
    );
  }
  await visit(state, entryFile);
  return { root, entryFile, files: state.files, order: state.order, problems: state.problems };
}
