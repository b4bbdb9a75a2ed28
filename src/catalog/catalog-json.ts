import type { CatalogPackage, CatalogProblem, Release, SourcePosition, YamlValue } from './catalog-model.js';
import type { ReleasePackage } from './catalog-query.js';
import type { CatalogLoad } from './load-catalog.js';
import { formatYamlPath } from './locate-problems.js';

/**
 * The JSON shapes `ferry catalog ... --json` prints (documented in
 * docs/catalog.md). Package objects carry rdoinfo's own field names exactly
 * as distroinfo's get_info() returns them, plus `defined-in` and, for a
 * release, `effective`.
 */

export interface PositionJson {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
}

export function positionJson(position: SourcePosition): PositionJson {
  return {
    file: position.file,
    line: position.line,
    column: position.column,
    path: formatYamlPath(position.path),
  };
}

export interface EffectiveJson {
  readonly release: string | null;
  readonly tag: string;
  readonly upstream: string | null;
  readonly 'source-branch': string;
  readonly 'source-branch-from': string;
  readonly distgit: string | null;
  readonly 'distgit-branch': string;
  readonly 'distgit-branch-from': string;
  readonly 'distgit-path': string | null;
  readonly component: string | null;
  readonly maintainers: readonly string[];
  readonly 'buildsys-tags': { readonly [tag: string]: string | null };
}

export function effectiveJson(pkg: ReleasePackage): EffectiveJson {
  return {
    release: pkg.release ?? null,
    tag: pkg.tag,
    upstream: pkg.upstream ?? null,
    'source-branch': pkg.sourceBranch,
    'source-branch-from': pkg.sourceBranchFrom,
    distgit: pkg.distgit ?? null,
    'distgit-branch': pkg.distgitBranch,
    'distgit-branch-from': pkg.distgitBranchFrom,
    'distgit-path': pkg.distgitPath ?? null,
    component: pkg.component ?? null,
    maintainers: pkg.maintainers,
    'buildsys-tags': pkg.buildsysTags,
  };
}

/** A package: its rdoinfo fields, where it is defined, and its effective release settings when asked for. */
export function packageJson(
  pkg: CatalogPackage,
  definedIn: readonly SourcePosition[],
  effective?: ReleasePackage,
): { readonly [field: string]: YamlValue | readonly PositionJson[] | EffectiveJson } {
  return {
    ...pkg.fields,
    'defined-in': definedIn.map(positionJson),
    ...(effective ? { effective: effectiveJson(effective) } : {}),
  };
}

/** A release as distroinfo returns it (repos' branches filled in). */
export function releaseJson(release: Release): YamlValue {
  return release.fields;
}

export interface ProblemJson {
  readonly severity: string;
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
  readonly related: readonly PositionJson[];
}

export function problemJson(problem: CatalogProblem): ProblemJson {
  return {
    severity: problem.severity,
    code: problem.code,
    file: problem.file,
    line: problem.line,
    column: problem.column,
    path: problem.path,
    message: problem.message,
    related: problem.related.map(positionJson),
  };
}

/** `ferry catalog validate --json`. */
export function validationJson(load: CatalogLoad, entry: string): unknown {
  return {
    catalog: entry,
    valid: load.valid,
    files: load.catalog.files.length,
    packages: load.catalog.packages.length,
    releases: load.catalog.releases.length,
    errors: load.errors,
    warnings: load.warnings,
    notices: load.notices,
    unreadable: load.unreadable,
    suppressed: load.suppressed,
    omitted: load.omitted,
    problems: load.problems.map(problemJson),
  };
}
