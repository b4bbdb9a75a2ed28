import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import { isFerryError } from '../../errors.js';
import { parseCommitYaml, shardedCommitDir, snapshotDir, type SnapshotCommit } from '../../layout/index.js';
import type { StoreApi } from '../../store/index.js';
import { asidePath, writeFileAtomic } from '../../util/atomic-write.js';
import { isSafeName } from '../../util/names.js';
import { HttpError } from '../http-error.js';

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
const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024 * 1024;

export interface RemoteImportOptions {
  readonly store: StoreApi;
  readonly reposDir: string;
  readonly fetch: typeof fetch;
  /** Per download, ms. */
  readonly timeoutMs: number;
  /**
   * Finishes a successful imported snapshot (repodata, links to the other
   * packages, labels) the way the chaser publishes its own builds; without
   * it the snapshot holds the imported RPMs, logs and commit.yaml.
   */
  readonly publish?: (commit: SnapshotCommit, dir: string) => Promise<void>;
}

/** What one remote import did. */
export interface RemoteImportResult {
  readonly imported: readonly string[];
  /** Commits not imported because a newer build of the package is already here (DLRN's rule), or the same one. */
  readonly skipped: readonly string[];
}

function upstream(message: string, cause?: unknown): HttpError {
  return new HttpError(502, message, cause === undefined ? {} : { cause });
}

async function download(
  options: RemoteImportOptions,
  url: string,
  limit: number,
  timeoutMs = options.timeoutMs,
): Promise<Response | null> {
  let response: Response;
  try {
    response = await options.fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw upstream(`Remote import failed: cannot fetch ${url}: ${(error as Error).message}`, error);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw upstream(`Remote import failed: ${url} answered HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > limit) {
    await response.body?.cancel();
    throw upstream(`Remote import failed: ${url} is larger than ${limit} bytes`);
  }
  return response;
}

/** Streams a response into `target` (written aside, then renamed), refusing more than `limit` bytes. */
async function saveTo(response: Response, target: string, limit: number, url: string): Promise<void> {
  const tmp = asidePath(target);
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new Error(`larger than ${limit} bytes`));
      else callback(null, chunk);
    },
  });
  try {
    if (!response.body) throw new Error('empty response');
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      guard,
      createWriteStream(tmp),
    );
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw upstream(`Remote import failed: cannot download ${url}: ${(error as Error).message}`, error);
  }
}

/** The local file names of a commit's artifacts; a name that is not a plain `.rpm` file name is refused. */
function artifactNames(commit: SnapshotCommit): string[] {
  if (!commit.artifacts) return [];
  const names = commit.artifacts
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '' && path !== 'None')
    .map((path) => basename(path));
  for (const name of names) {
    if (!isSafeName(name) || !name.endsWith('.rpm')) {
      throw upstream(`Remote import failed: commit.yaml names an invalid artifact ${JSON.stringify(name)}`);
    }
  }
  return names;
}

/**
 * Imports the builds of another instance's snapshot (DLRN's `remote/import`,
 * `dlrn-remote`): reads `<repo_url>/commit.yaml`, skips a commit when a newer
 * build of its package is already recorded, downloads its RPMs and logs into
 * the local snapshot directory, and records it. Artifact names are plain file
 * names (never paths), every download is bounded in time and size and
 * written aside then renamed; a failed download fails the import and leaves
 * no record. Errors of the remote side are 502.
 */
export async function importRemoteCommit(
  options: RemoteImportOptions,
  repoUrl: string,
): Promise<RemoteImportResult> {
  const base = repoUrl.replace(/\/+$/, '');
  const yamlUrl = `${base}/commit.yaml`;
  const response = await download(
    options,
    yamlUrl,
    MAX_COMMIT_YAML_BYTES,
    Math.min(options.timeoutMs, 10_000),
  );
  if (!response) throw upstream(`Remote import failed: ${yamlUrl} answered HTTP 404`);
  const text = await response.text();
  let commits: SnapshotCommit[];
  try {
    commits = parseCommitYaml(text, yamlUrl);
    for (const commit of commits) shardedCommitDir(commit);
  } catch (error) {
    throw upstream(
      `Remote import failed: ${isFerryError(error) ? error.toString() : (error as Error).message}`,
      error,
    );
  }
  const imported: string[] = [];
  const skipped: string[] = [];
  for (const commit of commits) {
    const label = `${commit.projectName} ${commit.commitHash}`;
    if (await isSuperseded(options.store, commit)) {
      skipped.push(label);
      continue;
    }
    const names = artifactNames(commit);
    const dir = snapshotDir(options.reposDir, commit);
    const existed = (await stat(dir).catch(() => null)) !== null;
    await mkdir(dir, { recursive: true });
    try {
      for (const log of REMOTE_LOG_FILES) {
        const logResponse = await download(options, `${base}/${log}`, MAX_LOG_BYTES).catch(() => null);
        if (logResponse) await saveTo(logResponse, join(dir, log), MAX_LOG_BYTES, `${base}/${log}`);
      }
      for (const name of names) {
        const url = `${base}/${encodeURIComponent(name)}`;
        const rpm = await download(options, url, MAX_ARTIFACT_BYTES);
        if (!rpm) throw upstream(`Remote import failed: ${url} answered HTTP 404`);
        await saveTo(rpm, join(dir, name), MAX_ARTIFACT_BYTES, url);
      }
      await writeFileAtomic(join(dir, 'commit.yaml'), text);
      if (commit.status === 'SUCCESS') await options.publish?.(commit, dir);
    } catch (error) {
      if (!existed) await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const relativeDir = `repos/${shardedCommitDir(commit)}`;
    await options.store.recordCommit({
      projectName: commit.projectName,
      commitHash: commit.commitHash,
      distroHash: commit.distroHash ?? '',
      extendedHash: commit.extendedHash,
      commitBranch: commit.commitBranch,
      component: commit.component,
      type: commit.type === 'container' ? 'container' : 'rpm',
      status: commit.status,
      dtCommit: Math.trunc(commit.dtCommit),
      dtDistro: Math.trunc(commit.dtDistro),
      dtExtended: commit.dtExtended === null ? null : Math.trunc(commit.dtExtended),
      dtBuild: commit.dtBuild === null ? null : Math.trunc(commit.dtBuild),
      // The remote's source paths mean nothing here.
      repoDir: null,
      distgitDir: null,
      artifacts: names.map((name) => `${relativeDir}/${name}`),
      notes: commit.notes,
      versionsCsv: commit.versionsCsv,
    });
    imported.push(label);
  }
  return { imported, skipped };
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
