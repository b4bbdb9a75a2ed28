import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { FerryError, isFerryError } from '../errors.js';
import { isSafeName } from '../util/names.js';
import { formatBytes, readYamlFile } from '../util/yaml-limits.js';
import type { ProblemRef, SourceRef, YamlPath, YamlValue } from './catalog-model.js';
import { ProblemList } from './problem-list.js';
import { quoteValue } from './quote-value.js';
import { isYamlList, isYamlMap, parseYaml } from './yaml-parse.js';

/** Entry files looked for, in this order, when the catalog path is a directory (a checkout). */
export const CATALOG_ENTRY_FILES = ['rdo-full.yml', 'rdo.yml', 'catalog.yml', 'catalog.yaml'] as const;

/**
 * Limits of a whole catalog, beside those of each file (util/yaml-limits.ts):
 * the bytes of its files together, how many times files are merged (a file
 * imported twice merges twice, so a chain of files each importing the next
 * twice doubles at every step) and the size of all merges together (each
 * file's size with aliases expanded, times the times it is merged).
 * rdoinfo: 3.5 MB, 104 merges, 3.7 MB merged (the limits: 9, 96 and 17 times that).
 * And the packages it defines (by project), each of which is expanded and
 * checked: rdoinfo has 1,369; 450,000 one-line entries (an 8 MiB file)
 * took 16 s and 1.6 GB.
 */
export const CATALOG_LIMITS = {
  maxBytes: 32 * 1024 * 1024,
  maxMerges: 10_000,
  maxMergedSize: 64 * 1024 * 1024,
  maxPackages: 50_000,
} as const;

/** One catalog file as read. */
export interface CatalogFile {
  /** Path relative to the catalog root, as imports name it. */
  readonly file: string;
  readonly text: string;
  /** The parsed document; `undefined` when it could not be parsed. */
  readonly value: YamlValue | undefined;
  /** The value's size with aliases expanded (0 without a value). */
  readonly size: number;
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
  /**
   * Files whose content is missing from the catalog: not found, not
   * parsed (YAML syntax), past a limit, or imports refused. Problems that
   * follow from the missing content are then left out (see knock-on-problems.ts).
   */
  readonly unreadable: readonly string[];
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
  readonly unreadable: Set<string>;
  /** Bytes of the files read so far (reserved before each read). */
  bytes: number;
  /** Size merged so far, over the merge order. */
  mergedSize: number;
  /** Set once a catalog limit is reached: nothing more is imported. */
  stopped: boolean;
}

function limitProblem(
  file: string,
  message: string,
  at?: { line?: number; column?: number; path?: YamlPath },
): ProblemRef {
  return {
    severity: 'error',
    code: 'yaml-limit',
    at: {
      file,
      path: at?.path ?? [],
      ...(at?.line === undefined ? {} : { line: at.line, column: at.column ?? 1 }),
    },
    message,
  };
}

async function readWithin(state: ReadState, file: string): Promise<string> {
  const path = join(state.root, file);
  const { size } = await stat(path);
  if (state.bytes + size > CATALOG_LIMITS.maxBytes) {
    throw new FerryError(
      'FERRY_CATALOG_INVALID',
      `the catalog's files together pass ${formatBytes(CATALOG_LIMITS.maxBytes)}`,
    );
  }
  state.bytes += size;
  return readYamlFile(path, 'FERRY_CATALOG_INVALID');
}

function load(state: ReadState, file: string): Promise<CatalogFile | Error> {
  let pending = state.cache.get(file);
  if (!pending) {
    pending = readWithin(state, file).then(
      (text) => {
        const parsed = parseYaml(text, file);
        if (parsed.syntaxError) {
          state.unreadable.add(file);
          state.problems.push({
            severity: 'error',
            code: 'yaml-syntax',
            at: { file, path: [], line: parsed.syntaxError.line, column: parsed.syntaxError.column },
            message: `YAML syntax error: ${parsed.syntaxError.message}`,
          });
        }
        if (parsed.limitError) {
          state.unreadable.add(file);
          state.problems.push(limitProblem(file, parsed.limitError.message, parsed.limitError));
        }
        if (parsed.duplicateKey) {
          state.problems.push({
            severity: 'warning',
            code: 'duplicate-key',
            at: { file, path: [], line: parsed.duplicateKey.line, column: parsed.duplicateKey.column },
            message: `${parsed.duplicateKey.message}: the last value is used`,
          });
        }
        return { file, text, value: parsed.value, size: parsed.size };
      },
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    state.cache.set(file, pending);
  }
  return pending;
}

/** Counts one merge of `file`; false (with the problem reported at `at`) past the catalog's limits. */
function chargeMerge(state: ReadState, loaded: CatalogFile, at: SourceRef | undefined): boolean {
  state.mergedSize += loaded.size;
  const merges = state.order.length + 1;
  let message: string | undefined;
  if (merges > CATALOG_LIMITS.maxMerges) {
    message = `the catalog merges files more than ${CATALOG_LIMITS.maxMerges} times (files imported again and again)`;
  } else if (state.mergedSize > CATALOG_LIMITS.maxMergedSize) {
    message = `the catalog's merged files pass ${formatBytes(CATALOG_LIMITS.maxMergedSize)} (files imported again and again)`;
  }
  if (message === undefined) return true;
  state.stopped = true;
  state.unreadable.add(loaded.file);
  state.problems.push(limitProblem(at?.file ?? loaded.file, message, at ? { path: at.path } : undefined));
  return false;
}

function importsOf(value: YamlValue | undefined): readonly YamlValue[] {
  if (!isYamlMap(value)) return [];
  const imports = value.import;
  return isYamlList(imports) ? imports : [];
}

/** distroinfo's fetch: a file, then its imports depth-first; a file importing one of its importers is circular. */
async function visit(state: ReadState, file: string, from?: SourceRef): Promise<void> {
  const loaded = await load(state, file);
  if (loaded instanceof Error || state.stopped) return;
  if (!chargeMerge(state, loaded, from)) return;
  if (!state.files.has(file)) state.files.set(file, loaded);
  state.order.push(file);
  const value = loaded.value;
  if (isYamlMap(value) && value.import !== undefined && value.import !== null && !isYamlList(value.import)) {
    state.unreadable.add(file);
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
      state.unreadable.add(file);
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
      state.unreadable.add(file);
      state.problems.push({
        severity: 'error',
        code: 'invalid-import',
        at,
        message: `import ${quoteValue(item)} must be a path relative to the catalog root, without '..'`,
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
      state.unreadable.add(target);
      state.problems.push(
        isFerryError(loaded)
          ? limitProblem(target, loaded.message)
          : {
              severity: 'error',
              code: 'missing-import',
              at,
              message: `cannot read ${target}: ${(loaded as NodeJS.ErrnoException).code ?? loaded.message}`,
            },
      );
      continue;
    }
    await visit(state, target, at);
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
    problems: new ProblemList(),
    fetching: [],
    cycles: new Set(),
    unreadable: new Set(),
    bytes: 0,
    mergedSize: 0,
    stopped: false,
  };
  const entry = await load(state, entryFile);
  if (entry instanceof Error) {
    if (isFerryError(entry)) {
      throw new FerryError('FERRY_CATALOG_INVALID', `cannot read catalog: ${entry.message}`, {
        file: join(root, entryFile),
        cause: entry,
      });
    }
    throw new FerryError(
      'FERRY_CATALOG_INVALID',
      `cannot read catalog ${join(root, entryFile)}: ${entry.message}`,
      {
        cause: entry,
      },
    );
  }
  await visit(state, entryFile);
  return {
    root,
    entryFile,
    files: state.files,
    order: state.order,
    problems: state.problems,
    unreadable: [...state.unreadable],
  };
}
