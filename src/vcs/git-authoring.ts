import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { gitOutput, runGit } from './git-command.js';
import { assertCommitHash, assertRefName } from './git-refs.js';
import { assertTreePath } from './git-tree.js';

/**
 * Writing to git repositories: what `ferry demo` and the tests need to make
 * upstream and distgit repositories with real history. The chaser itself only
 * reads repositories.
 */

/** Who commits and when. Dates are seconds since the epoch (committer = author). */
export interface CommitIdentity {
  readonly name?: string;
  readonly email?: string;
  readonly date?: number;
}

const DEFAULT_NAME = 'Ferry Demo';
const DEFAULT_EMAIL = 'demo@ferry.invalid';

function identityEnv(identity: CommitIdentity = {}): Record<string, string> {
  const env: Record<string, string> = {
    GIT_AUTHOR_NAME: identity.name ?? DEFAULT_NAME,
    GIT_AUTHOR_EMAIL: identity.email ?? DEFAULT_EMAIL,
    GIT_COMMITTER_NAME: identity.name ?? DEFAULT_NAME,
    GIT_COMMITTER_EMAIL: identity.email ?? DEFAULT_EMAIL,
  };
  if (identity.date !== undefined) {
    env.GIT_AUTHOR_DATE = `@${Math.trunc(identity.date)} +0000`;
    env.GIT_COMMITTER_DATE = `@${Math.trunc(identity.date)} +0000`;
  }
  return env;
}

/** Creates a repository with a work tree at `dir` whose first branch is `branch` (default `master`). */
export async function initRepository(dir: string, options: { readonly branch?: string } = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await runGit(dir, ['init', '--quiet', `--initial-branch=${assertRefName(options.branch ?? 'master')}`]);
  // Commit signing or hooks from the user's configuration must not get in the way.
  await runGit(dir, ['config', 'commit.gpgSign', 'false']);
  await runGit(dir, ['config', 'tag.gpgSign', 'false']);
  await runGit(dir, ['config', 'core.hooksPath', '/dev/null']);
}

export interface CommitFilesOptions extends CommitIdentity {
  /** Path → new content; `null` deletes the file. Paths are relative to the repository root. */
  readonly files?: Readonly<Record<string, string | null>>;
  readonly message: string;
  /** Files to mark executable. */
  readonly executable?: readonly string[];
}

/** Writes the files, stages them and commits (an empty commit when nothing changed); returns the new hash. */
export async function commitFiles(dir: string, options: CommitFilesOptions): Promise<string> {
  const paths = Object.keys(options.files ?? {});
  for (const path of paths) {
    const content = options.files?.[assertTreePath(path)];
    const target = join(dir, path);
    if (content === null || content === undefined) {
      await rm(target, { force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, { mode: options.executable?.includes(path) ? 0o755 : 0o644 });
    }
  }
  if (paths.length > 0) await runGit(dir, ['add', '--all', '--', ...paths]);
  await runGit(dir, ['commit', '--quiet', '--allow-empty', '--no-verify', '-m', options.message], {
    env: identityEnv(options),
  });
  return gitOutput(dir, ['rev-parse', 'HEAD']);
}

/** Tags `commit` (default HEAD); annotated tags (as pbr expects for releases) carry `message`. */
export async function createTag(
  dir: string,
  name: string,
  options: CommitIdentity & {
    readonly commit?: string;
    readonly annotated?: boolean;
    readonly message?: string;
  } = {},
): Promise<void> {
  const target = options.commit === undefined ? 'HEAD' : assertCommitHash(options.commit);
  const args = options.annotated ? ['tag', '-a', '-m', options.message ?? name] : ['tag'];
  await runGit(dir, [...args, '--', assertRefName(name, 'tag'), target], { env: identityEnv(options) });
}

/** Creates branch `name` at `from` (default HEAD) and, when `checkout`, switches the work tree to it. */
export async function createBranch(
  dir: string,
  name: string,
  options: { readonly from?: string; readonly checkout?: boolean } = {},
): Promise<void> {
  const from = options.from === undefined ? 'HEAD' : assertRefName(options.from, 'branch');
  await runGit(dir, ['branch', '--', assertRefName(name, 'branch'), from]);
  if (options.checkout) await checkoutBranch(dir, name);
}

/** Switches the work tree to an existing branch. */
export async function checkoutBranch(dir: string, name: string): Promise<void> {
  await runGit(dir, ['checkout', '--quiet', assertRefName(name, 'branch'), '--']);
}

/** Merges `branch` into the current branch with a merge commit (never fast-forward); returns the merge hash. */
export async function mergeBranch(
  dir: string,
  branch: string,
  options: CommitIdentity & { readonly message?: string } = {},
): Promise<string> {
  await runGit(
    dir,
    [
      'merge',
      '--quiet',
      '--no-ff',
      '--no-verify',
      '-m',
      options.message ?? `Merge ${branch}`,
      assertRefName(branch, 'branch'),
    ],
    { env: identityEnv(options) },
  );
  return gitOutput(dir, ['rev-parse', 'HEAD']);
}
