/**
 * Temporary git repositories for tests: upstream projects and distgits with
 * real commits, tags and branches, made with the git CLI (src/vcs's
 * authoring functions). The sample packages (spec with %{?dist}, a patch
 * applied by %autosetup, subpackages, a changelog, BuildRequires) come from
 * src/build/sample-package.ts, which `ferry demo` uses too.
 *
 * @example
 *   const repo = await gitRepo();
 *   const c1 = await repo.commit({ 'README': 'hi\n' }, 'First');
 *   await repo.tag('1.0.0', { annotated: true });
 *   const c2 = await repo.commit({ 'README': 'hello\n' }, 'Second');
 */
import { join } from 'node:path';

import {
  createSampleRepositories,
  type SampleRepositories,
  type SampleSpecOptions,
} from '../../src/build/index.js';
import {
  checkoutBranch,
  commitFiles,
  createBranch,
  createTag,
  initRepository,
  mergeBranch,
  refreshMirror,
} from '../../src/vcs/index.js';
import { tempDir } from './temp-dir.js';

/** A work-tree repository with helpers that keep a clock: each commit is one minute after the previous one. */
export interface TestRepo {
  readonly dir: string;
  /** Commits the files (null deletes); returns the hash. `date` overrides the clock (seconds). */
  commit(files: Readonly<Record<string, string | null>>, message: string, date?: number): Promise<string>;
  tag(name: string, options?: { readonly annotated?: boolean; readonly commit?: string }): Promise<void>;
  branch(name: string, options?: { readonly from?: string; readonly checkout?: boolean }): Promise<void>;
  checkout(name: string): Promise<void>;
  merge(branch: string, message?: string): Promise<string>;
  /** The time the next commit gets, in seconds. */
  readonly now: () => number;
}

/** First commit time of every test repository (2023-11-14T22:13:20Z) unless told otherwise. */
export const BASE_TIME = 1_700_000_000;

/** A fresh repository (branch `master` unless told) in a temporary directory removed after the test file. */
export async function gitRepo(
  options: { readonly branch?: string; readonly start?: number; readonly dir?: string } = {},
): Promise<TestRepo> {
  const dir = options.dir ?? join(await tempDir('ferry-git-'), 'repo');
  await initRepository(dir, options.branch === undefined ? {} : { branch: options.branch });
  let clock = options.start ?? BASE_TIME;
  const tick = (): number => {
    const t = clock;
    clock += 60;
    return t;
  };
  return {
    dir,
    now: () => clock,
    commit: (files, message, date) => commitFiles(dir, { files, message, date: date ?? tick() }),
    tag: (name, opts = {}) =>
      createTag(dir, name, {
        ...(opts.annotated === undefined ? {} : { annotated: opts.annotated }),
        ...(opts.commit === undefined ? {} : { commit: opts.commit }),
        date: clock,
      }),
    branch: (name, opts = {}) => createBranch(dir, name, opts),
    checkout: (name) => checkoutBranch(dir, name),
    merge: (branch, message) =>
      mergeBranch(dir, branch, { date: tick(), ...(message === undefined ? {} : { message }) }),
  };
}

/** A bare mirror of `url` made by refreshMirror in a temporary directory. */
export async function mirrorOf(url: string): Promise<string> {
  const dir = join(await tempDir('ferry-mirror-'), 'mirror.git');
  await refreshMirror({ url, dir });
  return dir;
}

/** A sample package's upstream and distgit repositories (see createSampleRepositories) in a temporary directory. */
export async function samplePackage(
  options: SampleSpecOptions & { readonly date?: number; readonly dir?: string },
): Promise<SampleRepositories> {
  return createSampleRepositories(options.dir ?? (await tempDir('ferry-sample-')), options);
}
