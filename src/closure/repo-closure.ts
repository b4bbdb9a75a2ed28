/**
 * The closure check end to end: read the repositories (checked ones and
 * lookaside ones, which may satisfy dependencies but are not checked), build
 * the pool, select as dnf repoclosure does, look up the file owners the
 * checked requires need, and list what stays unresolved.
 */
import type { ArchVariant } from '../rpm/index.js';
import {
  findUnresolved,
  requiredPaths,
  selectPackages,
  type ClosureResult,
  type ClosureSelection,
} from './closure-check.js';
import { ClosurePool, machineArch } from './closure-pool.js';
import type { HttpLimits } from './http-get.js';
import { loadRepo, type LoadedRepo, type LoadSource } from './repo-loader.js';
import { assertDistinctIds, type RepoSpec } from './repo-spec.js';

export interface OpenPoolOptions {
  /** System architecture deciding what is installable (default: this machine's, as dnf's pool arch). */
  readonly systemArch?: string;
  readonly archVariant?: ArchVariant;
  /** Read ferry's dependency index when the repodata has a current one (default true). */
  readonly useIndex?: boolean;
  /** Timeout and size limit of reads over HTTP(S). */
  readonly http?: HttpLimits;
}

/** A pool and how each repository was read. */
export interface OpenedPool {
  readonly pool: ClosurePool;
  readonly repos: readonly { readonly id: string; readonly source: LoadSource; readonly packages: number }[];
  readonly notes: readonly string[];
}

/** Reads repositories (in parallel) into one pool. Throws FERRY_USAGE for duplicate ids. */
export async function openClosurePool(
  specs: readonly RepoSpec[],
  options: OpenPoolOptions = {},
): Promise<OpenedPool> {
  assertDistinctIds(specs);
  const loaded: LoadedRepo[] = await Promise.all(
    specs.map((spec) =>
      loadRepo(spec, {
        ...(options.useIndex === undefined ? {} : { useIndex: options.useIndex }),
        ...(options.http ? { http: options.http } : {}),
      }),
    ),
  );
  const pool = new ClosurePool(
    loaded.map((repo) => ({ id: repo.spec.id, packages: repo.packages })),
    {
      systemArch: options.systemArch ?? machineArch(),
      ...(options.archVariant ? { archVariant: options.archVariant } : {}),
    },
  );
  return {
    pool,
    repos: loaded.map((repo) => ({ id: repo.spec.id, source: repo.source, packages: repo.packages.count })),
    notes: loaded.flatMap((repo) => repo.notes),
  };
}

export interface RepoClosureOptions extends OpenPoolOptions, Omit<ClosureSelection, 'check'> {
  /** Repositories to check. */
  readonly repos: readonly RepoSpec[];
  /** Repositories that may satisfy dependencies but are not checked. */
  readonly lookaside?: readonly RepoSpec[];
  /** Ids of the repositories to check (default: those of `repos`); any loaded repository may be named. */
  readonly check?: readonly string[];
}

export interface RepoClosureReport extends ClosureResult {
  readonly repos: OpenedPool['repos'];
  readonly notes: readonly string[];
}

/**
 * dnf repoclosure over `repos` with `lookaside`.
 *
 * @example
 *   const report = await repoClosure({ repos: [parseRepoSpec('/srv/el9')], lookaside: [parseRepoSpec('base,/srv/base')] });
 *   report.unresolved // [{ package: 'foo-1.0-1.noarch', repo: 'srv_el9', dependencies: ['bar >= 2'], id }]
 */
export async function repoClosure(options: RepoClosureOptions): Promise<RepoClosureReport> {
  const specs = [...options.repos, ...(options.lookaside ?? [])];
  const opened = await openClosurePool(specs, options);
  const selection = selectPackages(opened.pool, {
    check: options.check && options.check.length > 0 ? options.check : options.repos.map((spec) => spec.id),
    ...(options.newest ? { newest: true } : {}),
    ...(options.best ? { best: true } : {}),
    ...(options.pkg ? { pkg: options.pkg } : {}),
    ...(options.arch ? { arch: options.arch } : {}),
  });
  await opened.pool.loadFileOwners(requiredPaths(opened.pool, selection.toCheck));
  const result = findUnresolved(opened.pool, selection);
  return { ...result, repos: opened.repos, notes: opened.notes };
}
