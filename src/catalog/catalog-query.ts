import { FerryError } from '../errors.js';
import { RELEASE_TAG_SUFFIXES, toCatalogPackage } from './build-catalog.js';
import type { Catalog, CatalogPackage, Release } from './catalog-model.js';
import { expandPackage } from './expand-package.js';
import { didYouMean } from './suggest.js';
import { isYamlMap } from './yaml-parse.js';

/**
 * Questions asked of a loaded catalog. Pure: the catalog in, data out.
 * Applying a tag is distroinfo's `get_info(apply_tag=tag)`; selecting by tag
 * is DLRN's filter, except that tags match exactly (DLRN matches a regular
 * expression, so its `flamingo` also picks `flamingo-uc` packages).
 */

/** DLRN's defaults when neither the package nor the release says: `source=master`, `distro=rpm-master`. */
export const DEFAULT_SOURCE_BRANCH = 'master';
export const DEFAULT_DISTGIT_BRANCH = 'rpm-master';

export function findRelease(catalog: Catalog, name: string): Release | undefined {
  return catalog.releases.find((release) => release.name === name);
}

/** The release a tag belongs to: the release of that name, or the release of a `-uc` variant. */
export function releaseOfTag(catalog: Catalog, tag: string): Release | undefined {
  const direct = findRelease(catalog, tag);
  if (direct) return direct;
  for (const suffix of RELEASE_TAG_SUFFIXES) {
    if (tag.endsWith(suffix)) {
      const release = findRelease(catalog, tag.slice(0, -suffix.length));
      if (release) return release;
    }
  }
  return undefined;
}

/** Every build-system tag of a release's repos, in order. */
export function releaseBuildsysTags(release: Release): readonly string[] {
  return [...new Set(release.repos.flatMap((repo) => repo.buildsysTags))];
}

/** The package with `tag`'s overrides applied (`source-branch`, `component`, ...). */
export function applyTag(catalog: Catalog, pkg: CatalogPackage, tag: string): CatalogPackage {
  const entry = catalog.templates.entries.get(pkg.project);
  if (!entry) return pkg;
  const expansion = expandPackage(entry, catalog.templates, tag);
  return toCatalogPackage(expansion.fields, pkg.definedIn, tag);
}

/** Packages named `name` (two when a name is defined twice), else the package of project `name`. */
export function findPackages(catalog: Catalog, name: string): readonly CatalogPackage[] {
  const byName = catalog.packages.filter((pkg) => pkg.name === name);
  if (byName.length > 0) return byName;
  return catalog.packages.filter((pkg) => pkg.project === name);
}

/** Tags some package carries. */
export function tagsInUse(catalog: Catalog): readonly string[] {
  const tags = new Set<string>();
  for (const pkg of catalog.packages) for (const tag of Object.keys(pkg.tags)) tags.add(tag);
  return [...tags];
}

function assertKnownTag(catalog: Catalog, tag: string): void {
  if (catalog.knownTags.includes(tag) || catalog.packages.some((pkg) => Object.hasOwn(pkg.tags, tag))) return;
  const inUse = tagsInUse(catalog);
  throw new FerryError(
    'FERRY_NOT_FOUND',
    `unknown tag ${JSON.stringify(tag)}${didYouMean(tag, inUse)}; tags in use: ${[...inUse].sort().join(', ')}`,
  );
}

function assertRelease(catalog: Catalog, name: string): Release {
  const release = findRelease(catalog, name);
  if (release) return release;
  throw new FerryError(
    'FERRY_NOT_FOUND',
    `unknown release ${JSON.stringify(name)}${didYouMean(
      name,
      catalog.releases.map((r) => r.name),
    )}; releases: ${catalog.releases.map((r) => r.name).join(', ')}`,
  );
}

/** What `selectPackages` keeps. */
export interface PackageFilter {
  /** Packages carrying this tag, with its overrides applied. */
  readonly tag?: string;
  /** A release: packages tagged with it (unless `tag` says otherwise), its overrides applied. */
  readonly release?: string;
  /** Effective component equals this. */
  readonly component?: string;
  /** A maintainer's address contains this (case-insensitive), e.g. `jpena` or `jpena@redhat.com`. */
  readonly maintainer?: string;
}

/**
 * Packages matching every given filter, in catalog order. Unknown tags and
 * releases throw FERRY_NOT_FOUND rather than selecting nothing.
 */
export function selectPackages(catalog: Catalog, filter: PackageFilter): readonly CatalogPackage[] {
  if (filter.release !== undefined) assertRelease(catalog, filter.release);
  const tag = filter.tag ?? filter.release;
  if (tag !== undefined) assertKnownTag(catalog, tag);
  const maintainer = filter.maintainer?.toLowerCase();
  const selected: CatalogPackage[] = [];
  for (const pkg of catalog.packages) {
    if (tag !== undefined && !Object.hasOwn(pkg.tags, tag)) continue;
    const effective = tag === undefined ? pkg : applyTag(catalog, pkg, tag);
    if (filter.component !== undefined && effective.component !== filter.component) continue;
    if (
      maintainer !== undefined &&
      !effective.maintainers.some((m) => m.toLowerCase().includes(maintainer))
    ) {
      continue;
    }
    selected.push(effective);
  }
  return selected;
}

export const BRANCH_ORIGINS = ['tag', 'package', 'release', 'default'] as const;
/** Which setting gave a branch: the tag's override, the package, the release, or DLRN's default. */
export type BranchOrigin = (typeof BRANCH_ORIGINS)[number];

/**
 * A package as the trunk chaser builds it for one release: what to clone,
 * which branches, and where its builds are tagged.
 */
export interface ReleasePackage {
  readonly name: string;
  readonly project: string;
  /** The release, when the tag belongs to one. */
  readonly release: string | undefined;
  /** The tag the package was selected by (the release name unless asked otherwise). */
  readonly tag: string;
  /** Upstream source repository (`upstream`). */
  readonly upstream: string | undefined;
  /** Upstream branch or ref to build: the tag's `source-branch`, the package's, the release's `upstream_branch`, or `master`. */
  readonly sourceBranch: string;
  readonly sourceBranchFrom: BranchOrigin;
  /** The distgit DLRN clones: `master-distgit`, else `distgit`. */
  readonly distgit: string | undefined;
  /** distgit branch: `distro-branch` of the tag or package, else the release's `branch`, else `rpm-master`. */
  readonly distgitBranch: string;
  readonly distgitBranchFrom: BranchOrigin;
  /** Subdirectory of the distgit holding the spec (`distgit-path`). */
  readonly distgitPath: string | undefined;
  readonly component: string | undefined;
  readonly maintainers: readonly string[];
  /** The package's build-system tags that belong to this release's repos, with their NVRs. */
  readonly buildsysTags: { readonly [tag: string]: string | null };
  /** Every effective field (tag applied). */
  readonly package: CatalogPackage;
}

function branchOrigin(
  untagged: CatalogPackage,
  tag: string,
  field: string,
  packageValue: unknown,
): BranchOrigin {
  const settings = untagged.tags[tag];
  if (isYamlMap(settings) && typeof settings[field] === 'string') return 'tag';
  return typeof packageValue === 'string' ? 'package' : 'release';
}

/**
 * The packages of a release (or of a tag), with everything the trunk chaser
 * needs: effective upstream and source branch, distgit and its branch,
 * component, maintainers and this release's build-system tags. Give
 * `release`, `tag`, or both (e.g. release `flamingo`, tag `flamingo-uc`).
 */
export function releasePackages(
  catalog: Catalog,
  selector: { readonly release?: string; readonly tag?: string },
): readonly ReleasePackage[] {
  const tag = selector.tag ?? selector.release;
  if (tag === undefined) {
    throw new FerryError('FERRY_USAGE', 'releasePackages needs a release or a tag');
  }
  const release =
    selector.release !== undefined ? assertRelease(catalog, selector.release) : releaseOfTag(catalog, tag);
  const releaseTags = new Set(release ? releaseBuildsysTags(release) : []);
  const untaggedByProject = new Map(catalog.packages.map((pkg) => [pkg.project, pkg]));
  return selectPackages(catalog, { tag }).map((pkg): ReleasePackage => {
    const untagged = untaggedByProject.get(pkg.project) ?? pkg;
    let sourceBranch = pkg.sourceBranch;
    let sourceBranchFrom: BranchOrigin = branchOrigin(untagged, tag, 'source-branch', untagged.sourceBranch);
    if (sourceBranch === undefined) {
      sourceBranch = release?.upstreamBranch ?? DEFAULT_SOURCE_BRANCH;
      sourceBranchFrom = release?.upstreamBranch !== undefined ? 'release' : 'default';
    }
    let distgitBranch = pkg.distroBranch;
    let distgitBranchFrom: BranchOrigin = branchOrigin(untagged, tag, 'distro-branch', untagged.distroBranch);
    if (distgitBranch === undefined) {
      distgitBranch = release?.branch ?? DEFAULT_DISTGIT_BRANCH;
      distgitBranchFrom = release?.branch !== undefined ? 'release' : 'default';
    }
    const buildsysTags = Object.fromEntries(
      Object.entries(pkg.buildsysTags).filter(([buildTag]) => releaseTags.has(buildTag)),
    );
    return {
      name: pkg.name,
      project: pkg.project,
      release: release?.name,
      tag,
      upstream: pkg.upstream,
      sourceBranch,
      sourceBranchFrom,
      distgit: pkg.masterDistgit ?? pkg.distgit,
      distgitBranch,
      distgitBranchFrom,
      distgitPath: pkg.distgitPath,
      component: pkg.component,
      maintainers: pkg.maintainers,
      buildsysTags,
      package: pkg,
    };
  });
}
