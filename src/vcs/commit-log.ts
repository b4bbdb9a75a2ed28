import { FerryError } from '../errors.js';
import { gitOutput, gitSucceeds } from './git-command.js';
import { assertCommitHash, isCommitHash, isRefName } from './git-refs.js';

/** One commit as the chaser needs it. Times are seconds since the epoch. */
export interface CommitSummary {
  readonly hash: string;
  readonly authorTime: number;
  /** Committer time: DLRN's `dt_commit`, the key builds are ordered by. */
  readonly commitTime: number;
  readonly author: string;
  readonly authorEmail: string;
  readonly subject: string;
}

const RECORD_END = '\x1e';
const LOG_FORMAT = `--format=%H%x00%at%x00%ct%x00%an%x00%ae%x00%s${'%x1e'}`;

function parseLog(out: string): CommitSummary[] {
  const commits: CommitSummary[] = [];
  for (const record of out.split(RECORD_END)) {
    const fields = record.replace(/^\n/, '').split('\0');
    if (fields.length < 6) continue;
    const [hash, at, ct, author, email, ...subject] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    commits.push({
      hash,
      authorTime: Number(at),
      commitTime: Number(ct),
      author,
      authorEmail: email,
      subject: subject.join('\0'),
    });
  }
  return commits;
}

/** Throws unless `ref` is a full hash, `HEAD`, a branch/tag name or a full `refs/...` name. */
function assertRevision(ref: string): string {
  if (isCommitHash(ref) || ref === 'HEAD' || isRefName(ref)) return ref;
  throw new FerryError('FERRY_VCS_FAILED', `invalid git revision ${JSON.stringify(ref)}`);
}

/** The full hash of the commit `ref` designates (a branch, a tag, `HEAD`, or a hash: the distgit HEAD, say). */
export async function resolveCommit(dir: string, ref: string): Promise<string> {
  assertRevision(ref);
  const out = await gitOutput(dir, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  return assertCommitHash(out.trim(), `commit of ${ref}`);
}

/** Author, times and subject of one commit. */
export async function commitInfo(dir: string, hash: string): Promise<CommitSummary> {
  assertCommitHash(hash);
  const commits = parseLog(await gitOutput(dir, ['log', '-1', LOG_FORMAT, hash, '--']));
  const commit = commits[0];
  if (commit === undefined) throw new FerryError('FERRY_VCS_FAILED', `commit ${hash} not found in ${dir}`);
  return commit;
}

/** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export async function isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean> {
  assertCommitHash(ancestor);
  assertRevision(descendant);
  return gitSucceeds(dir, ['merge-base', '--is-ancestor', ancestor, descendant]);
}

/** The last commit ferry processed for a package, as the store remembers it. */
export interface LastProcessed {
  readonly hash: string;
  /** Its commit time, used when the hash is no longer in the branch (history rewritten). */
  readonly commitTime: number;
}

export interface NewCommitsQuery {
  /** The branch, tag or hash to follow (a ResolvedRef's `fullRef`). */
  readonly ref: string;
  /** Nothing processed yet: only the branch head is built, as DLRN does. */
  readonly since?: LastProcessed;
  /** Only the newest commit (DLRN's `--head-only`). */
  readonly headOnly?: boolean;
  /** Only commits carrying a tag (rdoinfo's `build-tags-only`). */
  readonly tagsOnly?: boolean;
}

export const NEW_COMMITS_MODES = ['head', 'range', 'after-time'] as const;
/**
 * How the list was made: `head` (first run or head-only), `range` (the
 * first-parent commits after the last processed one), `after-time` (the last
 * processed commit left the branch: commits newer than its commit time).
 */
export type NewCommitsMode = (typeof NEW_COMMITS_MODES)[number];

export interface NewCommits {
  /** Oldest first, in first-parent order (the order to build them in). */
  readonly commits: readonly CommitSummary[];
  readonly mode: NewCommitsMode;
}

/**
 * The upstream commits to build since the last processed one: first-parent
 * history (merged topic branches count as their merge commit), oldest first.
 * Where DLRN asks git for commits after a timestamp and then drops the ones it
 * already has, ferry asks for the exact range `last..ref` and uses the
 * timestamp only when the last commit is no longer on the branch.
 */
export async function listNewCommits(dir: string, query: NewCommitsQuery): Promise<NewCommits> {
  const ref = assertRevision(query.ref);
  const base = ['log', '--first-parent', '--reverse', LOG_FORMAT];
  let mode: NewCommitsMode = 'head';
  let commits: CommitSummary[];
  if (query.since !== undefined && (await isAncestor(dir, query.since.hash, ref))) {
    mode = 'range';
    commits = parseLog(await gitOutput(dir, [...base, `${query.since.hash}..${ref}`, '--']));
  } else if (query.since !== undefined) {
    mode = 'after-time';
    const after = Math.trunc(query.since.commitTime);
    commits = parseLog(await gitOutput(dir, [...base, `--since=@${after}`, ref, '--'])).filter(
      (c) => c.hash !== query.since?.hash && c.commitTime >= after,
    );
  } else {
    commits = parseLog(await gitOutput(dir, ['log', '-1', LOG_FORMAT, ref, '--']));
  }
  if (query.tagsOnly) {
    const tagged = new Set(
      (await gitOutput(dir, ['for-each-ref', '--format=%(objectname)%00%(*objectname)', 'refs/tags']))
        .split('\n')
        .flatMap((line) => line.split('\0'))
        .filter((h) => h !== ''),
    );
    commits = commits.filter((c) => tagged.has(c.hash));
  }
  if (query.headOnly || query.since === undefined) commits = commits.slice(-1);
  return { commits, mode: query.headOnly || query.since === undefined ? 'head' : mode };
}

/** The commits between two hashes, for `ferry diff`. */
export interface CommitRange {
  /** Commits reachable from `to` and not from `from`, oldest first. */
  readonly commits: readonly CommitSummary[];
  /** False when `from` is not an ancestor of `to` (a rollback or a rewritten branch). */
  readonly fromIsAncestor: boolean;
}

/** `git log from..to` with subjects, oldest first; `firstParent` keeps only the mainline. */
export async function commitRange(
  dir: string,
  from: string,
  to: string,
  options: { readonly firstParent?: boolean } = {},
): Promise<CommitRange> {
  assertCommitHash(from);
  assertCommitHash(to);
  const args = ['log', '--reverse', LOG_FORMAT];
  if (options.firstParent) args.push('--first-parent');
  const [out, fromIsAncestor] = await Promise.all([
    gitOutput(dir, [...args, `${from}..${to}`, '--']),
    isAncestor(dir, from, to),
  ]);
  return { commits: parseLog(out), fromIsAncestor };
}

/**
 * Merges per-package commit lists into one build queue ordered by commit time
 * (DLRN sorts all packages' commits by `dt_commit`). Each list keeps its own
 * order even when committer clocks disagree with it; ties go to the list given
 * first. Pure.
 */
export function mergeByCommitTime<T extends { readonly commitTime: number }>(
  lists: readonly (readonly T[])[],
): T[] {
  const cursors = lists.map(() => 0);
  const merged: T[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < lists.length; i += 1) {
      const candidate = lists[i]?.[cursors[i] ?? 0];
      if (candidate === undefined) continue;
      const current = best < 0 ? undefined : lists[best]?.[cursors[best] ?? 0];
      if (current === undefined || candidate.commitTime < current.commitTime) best = i;
    }
    if (best < 0) return merged;
    merged.push(lists[best]![cursors[best]!]!);
    cursors[best] = cursors[best]! + 1;
  }
}
