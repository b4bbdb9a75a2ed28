/**
 * Runs the real `dnf repoclosure` (dnf-plugins-core) over local
 * repositories and reads its report, for comparing ferry's closure with it.
 * Each run gets a fresh cache and state directory, `--releasever`, no system
 * repositories, and only the repoclosure plugin (test/helpers/dnf.ts turns
 * every plugin off, which removes the repoclosure command itself).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { exec, type ExecResult } from '../../src/util/exec.js';

export interface DnfRepo {
  readonly id: string;
  readonly path: string;
}

export interface DnfClosureOptions {
  readonly check?: readonly string[];
  readonly arch?: readonly string[];
  readonly pkg?: readonly string[];
  readonly newest?: boolean;
  readonly best?: boolean;
}

/** One unresolved (package, dependency) pair as dnf prints it. */
export interface ClosurePair {
  readonly package: string;
  readonly repo: string;
  readonly dependency: string;
}

export async function runDnfRepoclosure(
  repos: readonly DnfRepo[],
  options: DnfClosureOptions = {},
): Promise<ExecResult> {
  const state = await mkdtemp(join(tmpdir(), 'ferry-dnf-closure-'));
  try {
    const args = [
      '-q',
      '--releasever=9',
      `--setopt=cachedir=${join(state, 'cache')}`,
      `--setopt=persistdir=${join(state, 'persist')}`,
      `--setopt=logdir=${join(state, 'log')}`,
      '--setopt=reposdir=/dev/null',
      '--setopt=metadata_expire=0',
      `--setopt=best=${options.best ? 'True' : 'False'}`,
      '--disableplugin=*',
      '--enableplugin=repoclosure',
    ];
    for (const repo of repos)
      args.push(`--repofrompath=${repo.id},file://${resolve(repo.path)}`, `--repo=${repo.id}`);
    args.push('repoclosure');
    for (const id of options.check ?? []) args.push(`--check=${id}`);
    for (const arch of options.arch ?? []) args.push(`--arch=${arch}`);
    for (const pkg of options.pkg ?? []) args.push(`--pkg=${pkg}`);
    if (options.newest) args.push('--newest');
    return await exec('dnf', args, {
      allowFailure: true,
      timeoutMs: 180_000,
      env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    });
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}

/** The (package, repo, dependency) pairs of dnf repoclosure's report, sorted. */
export function parseDnfReport(stdout: string): ClosurePair[] {
  const pairs: ClosurePair[] = [];
  let current: { package: string; repo: string } | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^package: (\S+) from (\S+)$/.exec(line);
    if (head) {
      current = { package: head[1]!, repo: head[2]! };
      continue;
    }
    if (/^ {2}unresolved deps/.test(line) || line.trim() === '') continue;
    const dep = /^ {4}(.+)$/.exec(line);
    if (dep && current) pairs.push({ ...current, dependency: dep[1]! });
    else throw new Error(`unexpected dnf repoclosure line: ${JSON.stringify(line)}`);
  }
  return sortPairs(pairs);
}

export function sortPairs(pairs: readonly ClosurePair[]): ClosurePair[] {
  const key = (p: ClosurePair): string => `${p.package}\u0000${p.repo}\u0000${p.dependency}`;
  return [...pairs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Pairs of a ferry report (`{ unresolved: [{ package, repo, dependencies }] }`). */
export function pairsOf(report: {
  readonly unresolved: readonly {
    readonly package: string;
    readonly repo: string;
    readonly dependencies: readonly string[];
  }[];
}): ClosurePair[] {
  return sortPairs(
    report.unresolved.flatMap((u) =>
      u.dependencies.map((dependency) => ({ package: u.package, repo: u.repo, dependency })),
    ),
  );
}
