/**
 * Runs the real `dnf repoclosure` (dnf-plugins-core) over local
 * repositories and reads its report, for comparing ferry's closure with it.
 * Each run gets a fresh cache and state directory, `--releasever`, no system
 * repositories, and only the repoclosure plugin (test/helpers/dnf.ts).
 */
import type { ExecResult } from '../../src/util/exec.js';
import { runDnf, type DnfRepo } from '../helpers/dnf.js';

export type { DnfRepo } from '../helpers/dnf.js';

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
  const args = ['repoclosure'];
  for (const id of options.check ?? []) args.push(`--check=${id}`);
  for (const arch of options.arch ?? []) args.push(`--arch=${arch}`);
  for (const pkg of options.pkg ?? []) args.push(`--pkg=${pkg}`);
  if (options.newest) args.push('--newest');
  return runDnf(repos, args, {
    setopt: [`best=${options.best ? 'True' : 'False'}`],
    plugins: ['repoclosure'],
    timeoutMs: 180_000,
  });
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
