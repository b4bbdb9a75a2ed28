import type { Workspace } from '../config/index.js';
import { FerryError } from '../errors.js';
import { readCatalog, releasePackages, type ReleasePackage } from '../catalog/index.js';
import type { ChasePackage } from './chase-model.js';

/** The packages the chaser follows, and whether the catalog groups them by component. */
export interface ChaseCatalog {
  readonly release: string | undefined;
  readonly tag: string | undefined;
  readonly packages: readonly ChasePackage[];
  /** With components, snapshots and labels are per component (repos/component/<c>/). */
  readonly useComponents: boolean;
  /** Packages left out, with the reason (no upstream or no distgit). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** One catalog package as the chaser sees it (pure); null with a reason when it cannot be built. */
export function toChasePackage(pkg: ReleasePackage): ChasePackage | string {
  if (!pkg.upstream) return 'no upstream repository';
  if (!pkg.distgit) return 'no distgit repository';
  const tagsOnly = pkg.package.fields['build-tags-only'];
  return {
    name: pkg.name,
    project: pkg.project,
    upstream: pkg.upstream,
    distgit: pkg.distgit,
    sourceBranch: pkg.sourceBranch,
    distroBranch: pkg.distgitBranch,
    distgitPath: pkg.distgitPath ?? '',
    component: pkg.component ?? null,
    maintainers: pkg.maintainers,
    tagsOnly: tagsOnly === true || tagsOnly === 'true',
  };
}

/** Reads the workspace's catalog and selects the packages of `catalog.release` (or `catalog.tag`). */
export async function loadChaseCatalog(workspace: Workspace): Promise<ChaseCatalog> {
  const { release, tag } = workspace.config.catalog;
  if (release === undefined && tag === undefined) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      'catalog.release is not set: the chaser needs to know which release of the catalog to build',
      { file: workspace.configFile },
    );
  }
  const catalog = await readCatalog(workspace.catalogPath);
  const selected = releasePackages(catalog, {
    ...(release === undefined ? {} : { release }),
    ...(tag === undefined ? {} : { tag }),
  });
  const packages: ChasePackage[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const pkg of selected) {
    const chased = toChasePackage(pkg);
    if (typeof chased === 'string') skipped.push({ name: pkg.name, reason: chased });
    else packages.push(chased);
  }
  return {
    release,
    tag,
    packages,
    useComponents: packages.some((p) => p.component !== null),
    skipped,
  };
}
