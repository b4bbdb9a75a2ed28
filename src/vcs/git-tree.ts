import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { FerryError } from '../errors.js';
import { asidePath } from '../util/atomic-write.js';
import { exec } from '../util/exec.js';
import { assertSafeName } from '../util/names.js';
import { runGit } from './git-command.js';
import { assertCommitHash } from './git-refs.js';

/**
 * Throws unless `path` is a plain relative path inside a repository tree
 * (`a/b.spec`): no leading `/` or `-`, no `.`/`..` segments, no NUL.
 */
export function assertTreePath(path: string): string {
  const segments = path.split('/');
  const ok =
    path.length > 0 &&
    !path.startsWith('-') &&
    !path.includes('\0') &&
    segments.every((s) => s.length > 0 && s !== '.' && s !== '..');
  if (!ok) throw new FerryError('FERRY_VCS_FAILED', `invalid path in repository: ${JSON.stringify(path)}`);
  return path;
}

export const TREE_ENTRY_TYPES = ['blob', 'tree', 'commit'] as const;
export type TreeEntryType = (typeof TREE_ENTRY_TYPES)[number];

export interface TreeEntry {
  /** Path from the repository root. */
  readonly path: string;
  readonly type: TreeEntryType;
  /** Octal mode as git shows it (`100644`, `100755`, `120000` for a symlink, `040000`). */
  readonly mode: string;
}

/** The entries of one directory of a commit's tree (the root when `subdir` is absent). */
export async function listFilesAt(
  dir: string,
  commit: string,
  subdir?: string,
): Promise<readonly TreeEntry[]> {
  assertCommitHash(commit);
  const target = subdir === undefined ? commit : `${commit}:${assertTreePath(subdir)}`;
  const out = await runGit(dir, ['ls-tree', '-z', target], { allowFailure: true });
  if (out.exitCode !== 0) {
    throw new FerryError('FERRY_NOT_FOUND', `no directory ${subdir ?? '/'} at ${commit} in ${dir}`);
  }
  const entries: TreeEntry[] = [];
  for (const record of out.stdout.split('\0')) {
    const match = /^(\d+) (blob|tree|commit) [0-9a-f]+\t(.+)$/s.exec(record);
    if (match === null) continue;
    const name = match[3] ?? '';
    entries.push({
      mode: match[1] ?? '',
      type: match[2] as TreeEntryType,
      path: subdir === undefined ? name : `${subdir}/${name}`,
    });
  }
  return entries;
}

/** The text of a file at a commit, or undefined when the commit has no such file. */
export async function readFileAt(dir: string, commit: string, path: string): Promise<string | undefined> {
  assertCommitHash(commit);
  const spec = `${commit}:${assertTreePath(path)}`;
  const type = await runGit(dir, ['cat-file', '-t', spec], { allowFailure: true });
  if (type.exitCode !== 0 || type.stdout.trim() !== 'blob') return undefined;
  const { stdout } = await runGit(dir, ['cat-file', 'blob', spec]);
  return stdout;
}

/**
 * Writes the tree of `commit` (or of `subdir` in it) into `dest`, as files, without a
 * checkout: the mirror stays untouched, so builds of several commits can run at once.
 */
export async function exportTree(
  dir: string,
  commit: string,
  dest: string,
  options: { readonly subdir?: string } = {},
): Promise<void> {
  assertCommitHash(commit);
  const treeish = options.subdir === undefined ? commit : `${commit}:${assertTreePath(options.subdir)}`;
  await mkdir(dest, { recursive: true });
  const tarball = join(dest, `.export-${process.pid}-${Date.now()}.tar`);
  try {
    await runGit(dir, ['archive', '--format=tar', `--output=${tarball}`, treeish]);
    await exec('tar', ['-x', '-f', tarball, '-C', dest, '--no-same-owner']);
  } finally {
    await rm(tarball, { force: true });
  }
}

export interface ArchiveOptions {
  /** The top directory inside the tarball, e.g. `python-foo-1.0.1.dev3` (no slashes). */
  readonly prefix: string;
  /** The `.tar.gz` file to write (atomically). */
  readonly output: string;
  /**
   * Files added under the prefix that are not in the commit, e.g. a generated
   * `PKG-INFO` so pbr finds the version without git. Top-level names only.
   */
  readonly extraFiles?: readonly { readonly name: string; readonly content: string }[];
}

/**
 * `git archive` of exactly `commit` into a gzipped tarball whose entries all
 * sit under `prefix/`, as DLRN's source tarballs do. The output is
 * reproducible (git takes the mtimes from the commit) and written aside, then
 * renamed into place.
 */
export async function archiveCommit(dir: string, commit: string, options: ArchiveOptions): Promise<void> {
  assertCommitHash(commit);
  assertSafeName(options.prefix, 'tarball prefix');
  await mkdir(dirname(options.output), { recursive: true });
  const tmp = asidePath(options.output);
  let extraDir: string | undefined;
  try {
    const args = ['-c', 'tar.umask=0022', 'archive', '--format=tar.gz', `--prefix=${options.prefix}/`];
    if (options.extraFiles !== undefined && options.extraFiles.length > 0) {
      extraDir = await mkdtemp(join(dirname(options.output), '.archive-extra-'));
      for (const file of options.extraFiles) {
        const path = join(extraDir, assertSafeName(file.name, 'extra file name'));
        await writeFile(path, file.content);
        args.push(`--add-file=${path}`);
      }
    }
    await runGit(dir, [...args, `--output=${tmp}`, commit]);
    await rename(tmp, options.output);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  } finally {
    if (extraDir !== undefined) await rm(extraDir, { recursive: true, force: true });
  }
}

/** Reads a file's text at a commit and throws FERRY_NOT_FOUND when it is missing. */
export async function requireFileAt(dir: string, commit: string, path: string): Promise<string> {
  const text = await readFileAt(dir, commit, path);
  if (text === undefined) throw new FerryError('FERRY_NOT_FOUND', `no file ${path} at ${commit} in ${dir}`);
  return text;
}
