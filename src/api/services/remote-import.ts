import { lstat, mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import {
  DEFAULT_REPONAME,
  nvrFromArtifacts,
  renderCommitYaml,
  renderDeloreanRepo,
  renderVersionsCsv,
  shardedCommitDir,
  snapshotDir,
  type SnapshotCommit,
} from '../../layout/index.js';
import { FLAG_IMPORTED, type CommitRecord, type StoreApi } from '../../store/index.js';
import { asidePath, writeFileAtomic } from '../../util/atomic-write.js';
import { HttpError } from '../http-error.js';
import { checkImportedCommitYaml, RefusedImport } from './imported-commit.js';
import { downloadListedRpm, indexImportedRpms, remoteRepodata } from './imported-snapshot.js';
import { fetchRemote, readBody, saveResponse, type RemoteClient, type SavedFile } from './remote-download.js';

/** The build logs DLRN copies from the remote snapshot when they exist. */
export const REMOTE_LOG_FILES = [
  'build.log',
  'installed',
  'mock.log',
  'root.log',
  'rpmbuild.log',
  'state.log',
] as const;

const MAX_COMMIT_YAML_BYTES = 1024 * 1024;
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface RemoteImportOptions {
  readonly store: StoreApi;
  readonly reposDir: string;
  readonly fetch: typeof fetch;
  /** Per download, ms. */
  readonly timeoutMs: number;
  /** ferry.yaml `baseurl` (no trailing slash): written into the snapshot's `<reponame>.repo`. */
  readonly baseurl: string;
  readonly reponame?: string;
  /** Unix seconds: the upper bound of accepted times is one day past it (util/time-range). */
  readonly now: number;
  /**
   * Finishes a successful imported snapshot (links to the other packages,
   * labels) the way the chaser publishes its own builds; without it the
   * snapshot holds the imported build alone, with its own repodata.
   */
  readonly publish?: (commit: SnapshotCommit, dir: string) => Promise<void>;
}

/** What one remote import did. */
export interface RemoteImportResult {
  readonly imported: readonly string[];
  /** Commits not imported because a newer build of the package is already here (DLRN's rule), or the same one. */
  readonly skipped: readonly string[];
}

/** The commit.yaml record of a store row (the chaser's toSnapshotCommit, for the API). */
function snapshotCommitOf(row: CommitRecord): SnapshotCommit {
  return {
    ...row,
    dtCommit: row.dtCommit ?? 0,
    dtDistro: row.dtDistro ?? 0,
  };
}

/**
 * The files of a snapshot holding one imported build: the RPMs and their
 * repodata are already staged; `<reponame>.repo` points at the local copy and
 * versions.csv lists the build, as a snapshot of the chaser lists its packages.
 */
async function writeSnapshotFiles(
  options: RemoteImportOptions,
  staging: string,
  commit: SnapshotCommit,
  artifacts: readonly string[],
): Promise<void> {
  const reponame = options.reponame ?? DEFAULT_REPONAME;
  await writeFile(
    join(staging, `${reponame}.repo`),
    renderDeloreanRepo({
      reponame,
      projectName: commit.projectName,
      commitHash: commit.commitHash,
      baseurl: options.baseurl,
      shardedDir: shardedCommitDir(commit),
      component: commit.component,
    }),
  );
  await writeFile(
    join(staging, 'versions.csv'),
    renderVersionsCsv([
      {
        project: commit.projectName,
        sourceRepo: '',
        sourceSha: commit.commitHash,
        distRepo: '',
        distSha: commit.distroHash,
        status: commit.status,
        lastSuccessTimestamp: commit.dtBuild,
        component: commit.component,
        extendedSha: commit.extendedHash,
        nvr: nvrFromArtifacts(artifacts),
      },
    ]),
  );
}

/**
 * Where the snapshot goes must be free, or hold what an interrupted import
 * left (a directory no row records, replaced when the new one is placed). A
 * directory of a build recorded here (a RETRY being retried) is not touched.
 */
async function checkTarget(store: StoreApi, commit: SnapshotCommit, final: string): Promise<void> {
  if (!(await lstat(final).catch(() => null))) return;
  const [row] = await store.findCommits({
    commitHash: commit.commitHash,
    distroHash: commit.distroHash ?? '',
    type: null,
    limit: 1,
  });
  if (row) {
    throw new HttpError(
      409,
      `Remote import refused: repos/${shardedCommitDir(commit)} holds a ${row.status} build of ${row.projectName} recorded here`,
    );
  }
}

/**
 * Removes the shard directories mkdir made for a refused import, from `dir`
 * up to `top` (the first one it created), each only while empty: a chaser may
 * have published into one meanwhile.
 */
async function removeEmptyParents(dir: string, top: string | undefined): Promise<void> {
  if (top === undefined) return;
  for (let current = dir; current.startsWith(top); current = dirname(current)) {
    if (
      !(await rmdir(current).then(
        () => true,
        () => false,
      ))
    )
      return;
    if (current === top) return;
  }
}

/** Renames the staged snapshot into place; a leftover directory there is moved aside first, then removed. */
async function placeSnapshot(staging: string, final: string): Promise<void> {
  const leftover = (await lstat(final).catch(() => null)) !== null;
  const trash = asidePath(final);
  if (leftover) await rename(final, trash);
  await rename(staging, final);
  if (leftover) await rm(trash, { recursive: true, force: true });
}

/** Downloads the logs the remote snapshot has; a missing or unreadable log is skipped, as DLRN does. */
async function downloadLogs(client: RemoteClient, base: string, staging: string): Promise<void> {
  for (const log of REMOTE_LOG_FILES) {
    const url = `${base}/${log}`;
    try {
      const response = await fetchRemote(client, url, MAX_LOG_BYTES);
      if (response) await saveResponse(response, join(staging, log), { url, limit: MAX_LOG_BYTES });
    } catch {
      // Logs only inform; the build and its RPMs are what the import is checked on.
    }
  }
}

/**
 * Imports the build of another instance's snapshot (DLRN's `remote/import`,
 * `dlrn-remote`). Nothing is written before `<repo_url>/commit.yaml` passed
 * every check (checkImportedCommitYaml). A commit is skipped when a newer
 * build of its package is already recorded (DLRN's rule). A successful
 * build must come from a complete snapshot: its repodata is read, every
 * RPM listed in commit.yaml must be in it and is downloaded and checked
 * against it (size, checksum), then indexed here (every RPM read) and the
 * written repodata checked against the files. All this happens in a hidden
 * staging directory beside the snapshot's place (a killed server leaves only
 * that, which the chaser's recovery removes); the snapshot is renamed into
 * place, then recorded with FLAG_IMPORTED, then its commit.yaml rewritten
 * with the local id. A refused import leaves nothing and is a 400 naming
 * every problem; a remote that cannot be read is a 502.
 */
export async function importRemoteCommit(
  options: RemoteImportOptions,
  repoUrl: string,
): Promise<RemoteImportResult> {
  try {
    return await importChecked(options, repoUrl);
  } catch (error) {
    if (error instanceof RefusedImport) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}

async function importChecked(options: RemoteImportOptions, repoUrl: string): Promise<RemoteImportResult> {
  const client: RemoteClient = { fetch: options.fetch, timeoutMs: options.timeoutMs };
  const base = repoUrl.replace(/\/+$/, '');
  const yamlUrl = `${base}/commit.yaml`;
  const response = await fetchRemote(
    client,
    yamlUrl,
    MAX_COMMIT_YAML_BYTES,
    Math.min(options.timeoutMs, 10_000),
  );
  if (!response)
    throw new RefusedImport(yamlUrl, ['no commit.yaml there (HTTP 404): repo_url names no snapshot']);
  const text = await readBody(response, MAX_COMMIT_YAML_BYTES, yamlUrl);
  const { commit, rpms } = checkImportedCommitYaml(text, yamlUrl, options.now);
  const label = `${commit.projectName} ${commit.commitHash}`;
  if (await isSuperseded(options.store, commit)) return { imported: [], skipped: [label] };

  const final = snapshotDir(options.reposDir, commit);
  await checkTarget(options.store, commit, final);
  const relativeDir = `repos/${shardedCommitDir(commit)}`;
  const artifacts = rpms.map((name) => `${relativeDir}/${name}`).sort();
  // A hidden sibling named after this process: the chaser's recovery removes it if the server dies.
  const staging = asidePath(final);
  const firstCreated = await mkdir(staging, { recursive: true });
  try {
    if (commit.status === 'SUCCESS') {
      const listed = await remoteRepodata(client, base, staging);
      const saved = new Map<string, SavedFile>();
      for (const name of rpms) saved.set(name, await downloadListedRpm(client, base, staging, name, listed));
      await indexImportedRpms(staging, saved, base);
      await writeSnapshotFiles(options, staging, commit, artifacts);
    }
    await downloadLogs(client, base, staging);
    await writeFile(join(staging, 'commit.yaml'), text);
    await placeSnapshot(staging, final);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    await removeEmptyParents(dirname(staging), firstCreated);
    throw error;
  }

  let row: CommitRecord;
  try {
    if (commit.status === 'SUCCESS') await options.publish?.(commit, final);
    row = await options.store.recordCommit({
      projectName: commit.projectName,
      commitHash: commit.commitHash,
      distroHash: commit.distroHash ?? '',
      extendedHash: commit.extendedHash,
      commitBranch: commit.commitBranch,
      component: commit.component,
      type: commit.type === 'container' ? 'container' : 'rpm',
      status: commit.status,
      dtCommit: Math.floor(commit.dtCommit),
      dtDistro: Math.floor(commit.dtDistro),
      dtExtended: commit.dtExtended === null ? null : Math.floor(commit.dtExtended),
      dtBuild: commit.dtBuild === null ? null : Math.floor(commit.dtBuild),
      // The remote's source paths mean nothing here.
      repoDir: null,
      distgitDir: null,
      artifacts,
      nvr: nvrFromArtifacts(artifacts) || null,
      notes: commit.notes,
      versionsCsv: commit.versionsCsv,
      flags: FLAG_IMPORTED,
    });
  } catch (error) {
    await rm(final, { recursive: true, force: true });
    await removeEmptyParents(dirname(final), firstCreated);
    throw error;
  }
  // The local record, as the chaser writes its snapshots' commit.yaml (the id is this store's).
  await writeFileAtomic(join(final, 'commit.yaml'), renderCommitYaml(snapshotCommitOf(row)));
  return { imported: [label], skipped: [] };
}

/** DLRN skips a remote commit when the package's last processed build is at least as new, in both commit times. */
async function isSuperseded(store: StoreApi, commit: SnapshotCommit): Promise<boolean> {
  if (
    await store.isAlreadyBuilt({
      commitHash: commit.commitHash,
      distroHash: commit.distroHash ?? '',
      extendedHash: commit.extendedHash,
      type: commit.type === 'container' ? 'container' : 'rpm',
    })
  ) {
    return true;
  }
  const last = await store.lastProcessedCommit(commit.projectName);
  if (!last || last.dtCommit === null || last.dtDistro === null) return false;
  return last.dtCommit >= commit.dtCommit && last.dtDistro >= commit.dtDistro;
}
