/**
 * The package catalog: an rdoinfo-format database (releases, package
 * templates, packages, per-release tags and build-system tags) read the way
 * distroinfo reads it, plus where every value was written so problems can be
 * reported as `file:line:column path`.
 */

/** A value as YAML gives it (after PyYAML-compatible scalar resolution). */
export type YamlValue = null | string | number | boolean | readonly YamlValue[] | YamlMap;
/** A YAML mapping; key order is the file's order. */
export type YamlMap = { readonly [key: string]: YamlValue };

/** Path of a node inside one YAML document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** Where a value was written: a catalog file (relative to the catalog root) and the path inside it. */
export interface SourceRef {
  readonly file: string;
  readonly path: YamlPath;
}

/** A source reference resolved to a position (1-based line and column). */
export interface SourcePosition extends SourceRef {
  readonly line: number;
  readonly column: number;
}

export const PROBLEM_SEVERITIES = ['error', 'warning', 'notice'] as const;
/**
 * `error`: the catalog cannot be used (validate exits 2). `warning`: accepted,
 * as distroinfo accepts it, but worth a look. `notice`: probably a typo that
 * changes nothing today (shown with `--notices`).
 */
export type ProblemSeverity = (typeof PROBLEM_SEVERITIES)[number];

export function isProblemSeverity(value: string): value is ProblemSeverity {
  return (PROBLEM_SEVERITIES as readonly string[]).includes(value);
}

/** A problem found while reading or validating, not yet given a line and column. */
export interface ProblemRef {
  readonly severity: ProblemSeverity;
  /** Stable kebab-case id of the rule, e.g. `invalid-email` (documented in docs/catalog.md). */
  readonly code: string;
  /** Where the problem is; with `line` and `column` when the reader already knows them. */
  readonly at: SourceRef & { readonly line?: number; readonly column?: number };
  /**
   * The message; `{0}`, `{1}`... are replaced by the positions of `related`
   * (`file:line:column`) once they are known.
   */
  readonly message: string;
  /** Other places the message refers to (e.g. the first definition of a duplicate). */
  readonly related?: readonly SourceRef[];
  /** When a shared template holds the problem: how many packages use it. */
  readonly count?: number;
}

/**
 * One problem of a catalog, located. Printed as
 * `rdo.yml:4120:7 packages[312].maintainers[0]: not an e-mail address`.
 */
export interface CatalogProblem {
  readonly severity: ProblemSeverity;
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The offending field, e.g. `packages[312].maintainers[0]`. */
  readonly path: string;
  readonly message: string;
  readonly related: readonly SourcePosition[];
}

/** A repository of a release (one distribution flavour, e.g. `el9s`). */
export interface ReleaseRepo {
  readonly name: string;
  /** distgit branch of this repo: the repo's `branch`, else the release's. */
  readonly branch: string | undefined;
  /** Build system target, e.g. `cbs/cloud9s-openstack-caracal-el9s`. */
  readonly buildsys: string | undefined;
  /** Build-system tags, e.g. `cloud9s-openstack-caracal-testing`. */
  readonly buildsysTags: readonly string[];
  /** Every field as rdoinfo spells it (`branch` filled in from the release, as distroinfo does). */
  readonly fields: YamlMap;
}

/** A release (`releases:` entry), e.g. caracal. */
export interface Release {
  readonly name: string;
  /** `development`, `maintained`, `extended_maintenance` or `eol`. */
  readonly status: string | undefined;
  /** distgit branch, e.g. `caracal-rdo` or `rpm-master`. */
  readonly branch: string | undefined;
  /** Upstream (source) branch packages follow by default, e.g. `stable/2024.1`. */
  readonly upstreamBranch: string | undefined;
  readonly repos: readonly ReleaseRepo[];
  /** Every field as rdoinfo spells it. */
  readonly fields: YamlMap;
  readonly source: SourceRef;
}

/** A tag's settings for one package: `null` (just tagged) or overrides such as `source-branch`. */
export type TagSettings = YamlMap | null;

/**
 * One package with its effective fields: package-default, then its template
 * (`conf`), then its entries (merged across files by project), then, when a
 * tag is applied, that tag's overrides; `%(field)s` substituted. This is
 * exactly what distroinfo's `get_info(apply_tag=...)` returns for it.
 *
 * @example
 * ```ts
 * const nova = findPackages(catalog, 'openstack-nova')[0];
 * nova.upstream;            // 'https://opendev.org/openstack/nova'
 * nova.fields['review-origin'];
 * ```
 */
export interface CatalogPackage {
  readonly name: string;
  readonly project: string;
  readonly conf: string | undefined;
  readonly upstream: string | undefined;
  readonly distgit: string | undefined;
  readonly masterDistgit: string | undefined;
  /** Subdirectory of the distgit holding the spec (`distgit-path`). */
  readonly distgitPath: string | undefined;
  readonly component: string | undefined;
  readonly maintainers: readonly string[];
  /** Upstream branch or ref to build (`source-branch`), when the package or applied tag sets one. */
  readonly sourceBranch: string | undefined;
  /** distgit branch (`distro-branch`), when the package or applied tag sets one. */
  readonly distroBranch: string | undefined;
  /** Tags of the package and their settings. */
  readonly tags: { readonly [tag: string]: TagSettings };
  /** Build-system tag -> NVR built there (`buildsys-tags`). */
  readonly buildsysTags: { readonly [tag: string]: string | null };
  /** The tag whose overrides are applied, if any. */
  readonly appliedTag: string | undefined;
  /** Every effective field, with rdoinfo's names, in distroinfo's order. */
  readonly fields: YamlMap;
  /** The entries defining the package (not counting tag and build-system-tag files), first first. */
  readonly definedIn: readonly SourceRef[];
}

/**
 * A loaded catalog. `packages` are the untagged effective packages, in
 * distroinfo's order; use the query functions to apply a tag or a release.
 */
export interface Catalog {
  /** Directory that imports are relative to. */
  readonly root: string;
  /** The entry file, relative to `root` (e.g. `rdo-full.yml`). */
  readonly entryFile: string;
  /** Every file read, relative to `root`, in first-read order. */
  readonly files: readonly string[];
  readonly releases: readonly Release[];
  /** Names from the `components:` section (empty when the catalog declares none). */
  readonly components: readonly string[];
  readonly packages: readonly CatalogPackage[];
  /** Tags a package may carry: releases, their `-uc` variants, tags with a tag file, conventional tags. */
  readonly knownTags: readonly string[];
  /** Build-system tags declared by release repos. */
  readonly buildsysTags: readonly string[];
  /** Warnings and notices (a catalog with errors is not returned). */
  readonly problems: readonly CatalogProblem[];
  /** The raw material to apply tags; see `applyTag`. */
  readonly templates: CatalogTemplates;
}

/** Package templates, merged across files. */
export interface CatalogTemplates {
  readonly packageDefault: YamlMap;
  readonly packageConfigs: ReadonlyMap<string, YamlMap>;
  /** Merged raw entry of every package, by project. */
  readonly entries: ReadonlyMap<string, YamlMap>;
}
