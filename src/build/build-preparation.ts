import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { FerryError } from '../errors.js';
import { writeBuildSpec } from '../rpm/index.js';
import { assertSafeName } from '../util/names.js';
import { archiveCommit, assertCommitHash, exportTree } from '../vcs/index.js';
import { dlrnRelease, type ReleaseNumbering } from './dlrn-version.js';
import { upstreamVersion, type UpstreamVersion } from './upstream-version.js';

export interface PrepareBuildOptions {
  /** Catalog package name (the spec is expected to be `<name>.spec` when the distgit has several). */
  readonly packageName: string;
  /** Upstream mirror and the commit to build. */
  readonly upstreamDir: string;
  readonly commit: string;
  /** distgit mirror and the commit of it to build with (the distro hash). */
  readonly distgitDir: string;
  readonly distroHash: string;
  /** Directory of the spec inside the distgit (rdoinfo's `distgit-path`). */
  readonly distgitPath?: string;
  /** When the build starts: the release's timestamp. */
  readonly buildStart: Date;
  /** An empty directory for this build's sources and spec copy. */
  readonly workDir: string;
  readonly releaseNumbering?: ReleaseNumbering;
  readonly releaseMinor?: string;
  /** Use this upstream version instead of computing one (DLRN's keep-version). */
  readonly versionOverride?: string;
  /** Name in the tarball's top directory, `<name>-<upstream version>` (default: the Python project name, else the package name). */
  readonly tarballName?: string;
  /** Whether the spec copy keeps its changelog (default `drop`, as DLRN). */
  readonly changelog?: 'drop' | 'keep';
}

/** Everything a BuildRequest needs, made from one upstream commit and one distgit commit. */
export interface PreparedBuild {
  /** The edited spec copy (outside `sourcesDir`). */
  readonly specPath: string;
  /** The distgit's files (patches, extra sources) and the generated tarball. */
  readonly sourcesDir: string;
  /** The generated source tarball, inside `sourcesDir`. */
  readonly tarball: string;
  readonly version: string;
  readonly release: string;
  readonly upstream: UpstreamVersion;
}

/** The distgit's spec: the only `*.spec`, or `<packageName>.spec` among several. */
async function findSpec(dir: string, packageName: string): Promise<string> {
  const specs = (await readdir(dir)).filter((f) => f.endsWith('.spec')).sort();
  if (specs.length === 1) return specs[0] as string;
  if (specs.includes(`${packageName}.spec`)) return `${packageName}.spec`;
  throw new FerryError(
    'FERRY_SPEC_INVALID',
    specs.length === 0
      ? `the distgit of ${packageName} has no .spec file`
      : `the distgit of ${packageName} has several .spec files (${specs.join(', ')}) and none is ${packageName}.spec`,
    { file: dir },
  );
}

/**
 * Prepares a trunk build the way DLRN's build_srpm.sh does, without touching
 * either repository: the distgit files at the distro hash go to
 * `<workDir>/sources`, the upstream commit becomes
 * `<name>-<upstream version>-<release>.tar.gz` there (top directory
 * `<name>-<upstream version>/`, as an sdist), and the spec copy at
 * `<workDir>/<spec>` gets the Version, Release (`0.<UTC build start>.<hash7>`
 * with `%{?dist}`), Source0, `upstream_version`, `dlrn` and `dlrn_nvr`.
 * A pbr project's tarball also carries a PKG-INFO with the version, so
 * `setup.py` in the build finds it without git, as in a real sdist.
 *
 * Source URLs that are neither in the distgit nor the upstream tarball are
 * not downloaded (DLRN runs spectool -g); a spec needing one fails to build.
 */
export async function prepareBuild(options: PrepareBuildOptions): Promise<PreparedBuild> {
  assertSafeName(options.packageName, 'package name');
  assertCommitHash(options.commit);
  assertCommitHash(options.distroHash, 'distro hash');
  const sourcesDir = join(options.workDir, 'sources');
  await rm(sourcesDir, { recursive: true, force: true });
  await mkdir(sourcesDir, { recursive: true });

  const [upstream] = await Promise.all([
    upstreamVersion(
      options.upstreamDir,
      options.commit,
      options.versionOverride === undefined ? {} : { override: options.versionOverride },
    ),
    exportTree(
      options.distgitDir,
      options.distroHash,
      sourcesDir,
      options.distgitPath === undefined || options.distgitPath === '' ? {} : { subdir: options.distgitPath },
    ),
  ]);
  const release = dlrnRelease(options.buildStart, options.commit, {
    ...(options.releaseNumbering === undefined ? {} : { numbering: options.releaseNumbering }),
    ...(options.releaseMinor === undefined ? {} : { minor: options.releaseMinor }),
  });

  const tarName = assertSafeName(
    options.tarballName ?? upstream.pythonName ?? options.packageName,
    'tarball name',
  );
  const prefix = `${tarName}-${upstream.upstreamVersion}`;
  const nvr = `${prefix}-${release}`;
  const tarball = join(sourcesDir, `${nvr}.tar.gz`);
  const pkgInfo =
    upstream.source === 'pbr' && upstream.pythonName !== undefined
      ? [
          {
            name: 'PKG-INFO',
            content: `Metadata-Version: 1.1\nName: ${upstream.pythonName}\nVersion: ${upstream.upstreamVersion}\n`,
          },
        ]
      : [];
  await archiveCommit(options.upstreamDir, options.commit, { prefix, output: tarball, extraFiles: pkgInfo });

  const spec = await findSpec(sourcesDir, options.packageName);
  const specPath = join(options.workDir, spec);
  await writeBuildSpec(join(sourcesDir, spec), specPath, {
    version: upstream.version,
    release,
    upstreamVersion: upstream.upstreamVersion,
    source0: basename(tarball),
    dlrnNvr: nvr,
    changelog: options.changelog ?? 'drop',
  });
  // The distgit's own spec is not a source of the build; the edited copy is.
  await rm(join(sourcesDir, spec), { force: true });
  return { specPath, sourcesDir, tarball, version: upstream.version, release, upstream };
}
