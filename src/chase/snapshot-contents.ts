import { basename } from 'node:path';

import { nvrFromArtifacts, type VersionsRow } from '../layout/index.js';
import type { BuildRef } from '../store/index.js';
import type { ChasePackage } from './chase-model.js';

/** A recorded build as the snapshot contents need it (see the store's lastBuildRefs). */
export type { BuildRef };

/** The build being published. */
export interface PublishedBuild {
  readonly pkg: ChasePackage;
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash: string | null;
  readonly component: string | null;
  readonly dtBuild: number;
  /** Its files, relative to the workspace (`repos/xx/yy/<dir>/<file>.rpm`). */
  readonly artifacts: readonly string[];
}

/** A symlink of the snapshot to another package's newest good RPM. */
export interface SnapshotLink {
  /** File name in the snapshot. */
  readonly name: string;
  /** The RPM, relative to the workspace (as the store's artifacts are). */
  readonly artifact: string;
}

export interface SnapshotContents {
  readonly links: readonly SnapshotLink[];
  readonly versions: readonly VersionsRow[];
  /**
   * Packages of the snapshot whose newest build is not a success, or that
   * were never built (DLRN's failure count): the snapshot is `consistent`
   * when this is 0.
   */
  readonly failures: number;
  /** Packages whose newest build is not a success. */
  readonly failing: readonly string[];
  /** Packages never built (no build of any status yet). */
  readonly unbuilt: readonly string[];
}

function artifactList(artifacts: string | null): string[] {
  return artifacts ? artifacts.split(',').filter((a) => a !== '') : [];
}

/**
 * What a successful build's snapshot holds besides its own RPMs, as DLRN's
 * `post_build_rpm` decides it (pure): for every other package of the
 * catalog (of the same component when components are used) a link to each
 * file of its newest successful build, a versions.csv line (that build, or
 * the newest processed one, with the newest build's status), and the count
 * of packages whose newest build failed or that were never built.
 */
export function snapshotContents(input: {
  readonly build: PublishedBuild;
  readonly packages: readonly ChasePackage[];
  readonly useComponents: boolean;
  /** Newest SUCCESS build per package. */
  readonly lastSuccess: ReadonlyMap<string, BuildRef>;
  /** Newest build per package, any status. */
  readonly lastProcessed: ReadonlyMap<string, BuildRef>;
}): SnapshotContents {
  const { build } = input;
  const links: SnapshotLink[] = [];
  const versions: VersionsRow[] = [];
  const failing: string[] = [];
  const unbuilt: string[] = [];
  const own = new Set(build.artifacts.map((a) => basename(a)));
  for (const other of input.packages) {
    if (input.useComponents && other.component !== build.component) continue;
    if (other.name === build.pkg.name) {
      versions.push({
        project: other.name,
        sourceRepo: other.upstream,
        sourceSha: build.commitHash,
        distRepo: other.distgit,
        distSha: build.distroHash,
        status: 'SUCCESS',
        lastSuccessTimestamp: build.dtBuild,
        component: build.component,
        extendedSha: build.extendedHash,
        nvr: nvrFromArtifacts(build.artifacts),
      });
      continue;
    }
    const success = input.lastSuccess.get(other.name);
    const processed = input.lastProcessed.get(other.name);
    if (success) {
      for (const artifact of artifactList(success.artifacts)) {
        const name = basename(artifact);
        // Two packages shipping one file name would shadow each other; the build being published wins.
        if (!own.has(name)) links.push({ name, artifact });
      }
    }
    const last = success ?? processed;
    if (last && processed) {
      versions.push({
        project: other.name,
        sourceRepo: other.upstream,
        sourceSha: last.commitHash,
        distRepo: other.distgit,
        distSha: last.distroHash,
        status: processed.status,
        lastSuccessTimestamp: last.dtBuild,
        component: build.component,
        extendedSha: last.extendedHash,
        nvr: nvrFromArtifacts(artifactList(last.artifacts)),
      });
      if (processed.status !== 'SUCCESS') failing.push(other.name);
    } else {
      unbuilt.push(other.name);
    }
  }
  const seen = new Set<string>();
  const unique = links.filter((l) => (seen.has(l.name) ? false : (seen.add(l.name), true)));
  return { links: unique, versions, failures: failing.length + unbuilt.length, failing, unbuilt };
}
