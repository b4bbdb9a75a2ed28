import { join } from 'node:path';

import { FerryError } from '../errors.js';
import type { Catalog, CatalogProblem, SourcePosition, SourceRef } from './catalog-model.js';
import { buildCatalog } from './build-catalog.js';
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
  /** Line and column of places in the catalog's files (e.g. a package's `definedIn`). */
  readonly locate: (refs: readonly SourceRef[]) => Promise<SourcePosition[]>;
}

/**
 * Reads, merges, expands and validates a catalog. `path` is an rdoinfo-format
 * entry file (e.g. rdo-full.yml) or a directory (a checkout) holding one.
 * Throws FERRY_CATALOG_INVALID only when the entry file cannot be read;
 * every other problem is returned, located.
 */
export async function loadCatalog(path: string): Promise<CatalogLoad> {
  const sources = await readCatalogFiles(path);
  const built = buildCatalog(sources);
  const problems = built.problems.length > 0 ? await locateProblems(built.problems, sources) : [];
  const count = (severity: CatalogProblem['severity']): number =>
    problems.filter((problem) => problem.severity === severity).length;
  const errors = count('error');
  return {
    catalog: { ...built.catalog, problems },
    problems,
    valid: errors === 0,
    errors,
    warnings: count('warning'),
    notices: count('notice'),
    locate: createSourceLocator(sources),
  };
}

/** The error thrown for an invalid catalog: one line per error. */
export function catalogInvalidError(load: CatalogLoad): FerryError {
  const lines = load.problems.filter((problem) => problem.severity === 'error').map(formatProblem);
  const entry = join(load.catalog.root, load.catalog.entryFile);
  return new FerryError(
    'FERRY_CATALOG_INVALID',
    `catalog ${entry} is invalid (${lines.length} error${lines.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`,
  );
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
