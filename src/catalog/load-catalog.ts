import { join } from 'node:path';

import { FerryError } from '../errors.js';
import type { Catalog, CatalogProblem, SourcePosition, SourceRef } from './catalog-model.js';
import { buildCatalog } from './build-catalog.js';
import { withoutKnockOns } from './knock-on-problems.js';
import { droppedOf } from './problem-list.js';
import { createSourceLocator, formatProblem, locateProblems } from './locate-problems.js';
import { readCatalogFiles } from './read-catalog-files.js';

/** A catalog as loaded, with every problem found; `valid` when none is an error. */
export interface CatalogLoad {
  /** Built as far as the files allow, even when invalid. */
  readonly catalog: Catalog;
  readonly problems: readonly CatalogProblem[];
  readonly valid: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly notices: number;
  /**
   * Files whose content is missing (YAML syntax error, a limit, a missing
   * or refused import), relative to the catalog root.
   */
  readonly unreadable: readonly string[];
  /** Problems left out because they follow from the unreadable files (see knock-on-problems.ts). */
  readonly suppressed: number;
  /** Problems past MAX_LISTED_PROBLEMS: counted in errors, warnings and notices, not listed. */
  readonly omitted: number;
  /** Line and column of places in the catalog's files (e.g. a package's `definedIn`). */
  readonly locate: (refs: readonly SourceRef[]) => Promise<SourcePosition[]>;
}

/** Problems listed at most (YAML errors, then errors, warnings, notices); the others are counted. */
export const MAX_LISTED_PROBLEMS = 10_000;

/**
 * Reads, merges, expands and validates a catalog. `path` is an rdoinfo-format
 * entry file (e.g. rdo-full.yml) or a directory (a checkout) holding one.
 * Throws FERRY_CATALOG_INVALID only when the entry file cannot be read;
 * every other problem is returned, located.
 */
export async function loadCatalog(path: string): Promise<CatalogLoad> {
  const sources = await readCatalogFiles(path);
  const built = buildCatalog(sources);
  const reported = withoutKnockOns(built.problems, sources.unreadable);
  const { problems, omitted } = await locateProblems(reported.problems, sources, MAX_LISTED_PROBLEMS);
  const dropped = droppedOf(built.problems);
  const count = (severity: CatalogProblem['severity']): number =>
    problems.filter((problem) => problem.severity === severity).length +
    omitted[severity] +
    dropped[severity];
  const errors = count('error');
  return {
    catalog: { ...built.catalog, problems },
    problems,
    valid: errors === 0,
    errors,
    warnings: count('warning'),
    notices: count('notice'),
    unreadable: sources.unreadable,
    suppressed: reported.suppressed,
    omitted:
      omitted.error + omitted.warning + omitted.notice + dropped.error + dropped.warning + dropped.notice,
    locate: createSourceLocator(sources),
  };
}

/** The error thrown for an invalid catalog: one line per error. */
export function catalogInvalidError(load: CatalogLoad): FerryError {
  const lines = load.problems.filter((problem) => problem.severity === 'error').map(formatProblem);
  const entry = join(load.catalog.root, load.catalog.entryFile);
  return new FerryError(
    'FERRY_CATALOG_INVALID',
    `catalog ${entry} is invalid (${load.errors} error${load.errors === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}` +
      (load.omitted > 0 ? `\n  ${omittedNote(load)}` : '') +
      (load.suppressed > 0 ? `\n  ${suppressedNote(load)}` : ''),
  );
}

/** `(3324688 more problems not listed: the first 10000 are)`. */
export function omittedNote(load: CatalogLoad): string {
  return `(${load.omitted} more problems not listed: the first ${MAX_LISTED_PROBLEMS} are)`;
}

/** `(123 more problems that follow from the unreadable rdo.yml not shown)`. */
export function suppressedNote(load: CatalogLoad): string {
  const files = load.unreadable.join(', ');
  const many = load.suppressed === 1 ? 'problem that follows' : 'problems that follow';
  return `(${load.suppressed} more ${many} from the unreadable ${files} not shown: fix ${load.unreadable.length === 1 ? 'it' : 'them'} first)`;
}

/**
 * Loads a catalog the pipeline can use: throws FERRY_CATALOG_INVALID (exit 2)
 * listing every error when there is one. Warnings stay in `catalog.problems`.
 */
export async function readCatalog(path: string): Promise<Catalog> {
  const load = await loadCatalog(path);
  if (!load.valid) throw catalogInvalidError(load);
  return load.catalog;
}
