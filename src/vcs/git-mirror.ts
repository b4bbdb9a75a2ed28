import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { asidePath } from '../util/atomic-write.js';
import { assertSafeName } from '../util/names.js';
import { gitSucceeds, runGit } from './git-command.js';
import { assertRemoteUrl } from './git-refs.js';

/** Where a package's clones live in a workspace: `sources/<pkg>/upstream.git` and `sources/<pkg>/distgit.git`. */
export interface PackageSourcePaths {
  readonly upstream: string;
  readonly distgit: string;
}

/** The mirror directories of one package under `sourcesRoot`; the name is validated (it becomes a path). */
export function packageSourcePaths(sourcesRoot: string, packageName: string): PackageSourcePaths {
  const dir = join(sourcesRoot, assertSafeName(packageName, 'package name'));
  return { upstream: join(dir, 'upstream.git'), distgit: join(dir, 'distgit.git') };
}

export interface RefreshMirrorOptions {
  /** The remote: a path, file://, git://, http(s):// or ssh:// URL. */
  readonly url: string;
  /** The bare mirror directory (created when missing). */
  readonly dir: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface RefreshMirrorResult {
  readonly dir: string;
  /** A new mirror was created (first use, a changed URL, or a directory that was not a mirror). */
  readonly cloned: boolean;
  /** Why an existing directory was replaced, when it was. */
  readonly replacedBecause?: 'url-changed' | 'not-a-mirror';
}

/**
 * Brings a bare mirror of `url` up to date: branches and tags, with deleted
 * ones pruned and moved tags followed. The mirror has no work tree, so builds
 * read commits from it (git archive, git show) without checkouts and several
 * commits of one package can be built at once.
 *
 * A first clone goes into a sibling temporary directory and is renamed into
 * place only when the fetch succeeded: a failed or killed clone leaves nothing
 * half there. When the remote URL changed (as DLRN handles it) or the
 * directory is not a mirror, a fresh mirror is made aside and swapped in.
 *
 * @example
 *   const { upstream } = packageSourcePaths(join(ws, 'sources'), 'python-foo');
 *   await refreshMirror({ url: 'https://opendev.org/openstack/foo', dir: upstream });
 */
export async function refreshMirror(options: RefreshMirrorOptions): Promise<RefreshMirrorResult> {
  const url = assertRemoteUrl(options.url);
  await removeStaleAsides(options.dir);
  const state = await mirrorState(options.dir, url);
  if (state === 'ok') {
    await fetchAll(options.dir, options);
    await followRemoteHead(options.dir, options);
    return { dir: options.dir, cloned: false };
  }
  await createMirror(options.dir, url, options);
  return state === 'missing'
    ? { dir: options.dir, cloned: true }
    : { dir: options.dir, cloned: true, replacedBecause: state };
}

type MirrorState = 'ok' | 'missing' | 'url-changed' | 'not-a-mirror';

async function mirrorState(dir: string, url: string): Promise<MirrorState> {
  const exists = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists) return 'missing';
  const bare = await runGit(dir, ['rev-parse', '--is-bare-repository', '--absolute-git-dir'], {
    allowFailure: true,
  });
  const [isBare, gitDir] = bare.stdout.trim().split('\n');
  if (bare.exitCode !== 0 || isBare !== 'true' || gitDir === undefined || !(await sameDir(gitDir, dir))) {
    return 'not-a-mirror';
  }
  const current = await runGit(dir, ['config', '--get', 'remote.origin.url'], { allowFailure: true });
  return current.stdout.trim() === url ? 'ok' : 'url-changed';
}

async function sameDir(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  return sa.dev === sb.dev && sa.ino === sb.ino;
}

async function createMirror(dir: string, url: string, options: RefreshMirrorOptions): Promise<void> {
  const tmp = asidePath(dir);
  await mkdir(dirname(dir), { recursive: true });
  try {
    await runGit(dirname(dir), ['init', '--quiet', '--bare', tmp]);
    await runGit(tmp, ['remote', 'add', 'origin', url]);
    // Branches and tags only: a mirror of refs/* would also pull review refs
    // (refs/changes/*, refs/pull/*), which can be most of a big project's objects.
    await runGit(tmp, ['config', '--replace-all', 'remote.origin.fetch', '+refs/heads/*:refs/heads/*']);
    await runGit(tmp, ['config', '--add', 'remote.origin.fetch', '+refs/tags/*:refs/tags/*']);
    await fetchAll(tmp, options);
    await followRemoteHead(tmp, options);
    const old = (await stat(dir).then(
      () => true,
      () => false,
    ))
      ? asidePath(dir)
      : undefined;
    if (old !== undefined) await rename(dir, old);
    await rename(tmp, dir);
    if (old !== undefined) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function fetchAll(dir: string, options: RefreshMirrorOptions): Promise<void> {
  await runGit(
    dir,
    ['fetch', '--quiet', '--prune', '--prune-tags', '--force', '--no-write-fetch-head', 'origin'],
    {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
}

/** Points the mirror's HEAD at the remote's default branch, so "the default branch" means the same in both. */
async function followRemoteHead(dir: string, options: RefreshMirrorOptions): Promise<void> {
  const result = await runGit(dir, ['ls-remote', '--symref', 'origin', 'HEAD'], {
    allowFailure: true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const target = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(result.stdout)?.[1];
  if (target !== undefined && (await gitSucceeds(dir, ['show-ref', '--verify', '--quiet', target]))) {
    await runGit(dir, ['symbolic-ref', 'HEAD', target]);
  }
}

/**
 * Removes leftovers of clones that a killed process never renamed into place
 * (`.<name>.<pid>.<rand>.tmp` siblings whose process is gone).
 */
async function removeStaleAsides(dir: string): Promise<void> {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.`;
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = entry.startsWith(prefix)
      ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(entry.slice(prefix.length))
      : null;
    if (match?.[1] !== undefined && !processAlive(Number(match[1]))) {
      await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
