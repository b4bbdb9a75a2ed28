import { FerryError } from '../errors.js';
import { assertCommitHash, describeCommit, runGit } from '../vcs/index.js';
import {
  comparePbrVersions,
  incrementVersion,
  parsePbrVersion,
  pbrReleaseString,
  toDev,
  type SemanticVersion,
} from './pbr-semver.js';

/**
 * pbr's version of a commit (pbr/packaging.py `_get_version_from_git`),
 * computed from git the way `python setup.py --version` does in a pbr
 * project, without running the project's setup.py:
 *
 * - a commit with a version tag → that version (`1.2.3`, `1.2.3.0rc1`);
 * - otherwise the newest version tag in history, bumped (patch by default,
 *   minor or major per `Sem-Ver:` lines of the commit messages since; a
 *   pre-release bumps its serial), plus `.devN` with N the commits since
 *   the tag: `1.2.4.dev3`, `1.0.0.0rc2.dev128`;
 * - no tag at all → `0.0.1.devN` (N = commits - 1, pbr's count);
 * - pre-versioning (`version` in setup.cfg) makes that version the target.
 */

/** One row of pbr's `git log --decorate=full` walk: the version tags on that commit. */
export interface PbrLogRow {
  readonly tags: readonly string[];
}

/** Parses the `%d` decoration of a commit into the tags pbr considers versions (pure). */
export function versionTagsOfDecoration(decoration: string): string[] {
  if (!decoration.includes('refs/tags/')) return [];
  const inner = decoration.trim().slice(1, -1);
  const tags: string[] = [];
  for (const piece of inner.split('refs/tags/').slice(1)) {
    // pbr reads 1.2.3-rc1 as 1.2.3.rc1 (and then looks for that name in git).
    const candidate = (piece.split(', ')[0] ?? '').replaceAll('-', '.');
    if (isPbrVersion(candidate)) tags.push(candidate);
  }
  return tags;
}

function isPbrVersion(text: string): boolean {
  try {
    parsePbrVersion(text);
    return true;
  } catch {
    return false;
  }
}

/** pbr's `_get_revno_and_last_tag` (pure): the highest version tag on the newest tagged row, and its row index. */
export function lastVersionTag(rows: readonly PbrLogRow[]): {
  readonly tag: string;
  readonly distance: number;
} {
  for (let i = 0; i < rows.length; i += 1) {
    const tags = rows[i]?.tags ?? [];
    if (tags.length === 0) continue;
    let best = tags[0] as string;
    for (const tag of tags.slice(1)) {
      if (comparePbrVersions(parsePbrVersion(tag), parsePbrVersion(best)) > 0) best = tag;
    }
    return { tag: best, distance: i };
  }
  return { tag: '', distance: Math.max(rows.length - 1, 0) };
}

/** pbr's `_get_increment_kwargs` (pure): the bump asked for by `Sem-Ver:` lines in commit messages. */
export function semVerIncrement(messages: string): { readonly minor?: true; readonly major?: true } {
  const symbols = new Set<string>();
  for (const raw of messages.split('\n')) {
    const line = raw.toLowerCase().trim();
    if (!line.startsWith('sem-ver:')) continue;
    for (const symbol of line.slice('sem-ver:'.length).trim().split(',')) symbols.add(symbol.trim());
  }
  const minor = symbols.has('feature') || symbols.has('deprecation');
  const major = symbols.has('api-break');
  return { ...(minor ? { minor: true as const } : {}), ...(major ? { major: true as const } : {}) };
}

export interface PbrHistory {
  /** The annotated tag on the commit itself (`git describe --exact-match`), if any. */
  readonly exactTag?: string;
  /** setup.cfg's `[metadata] version` (pbr pre-versioning), if any. */
  readonly preVersion?: string;
  /** The newest version tag in history and the number of log rows before it. */
  readonly tag: string;
  readonly distance: number;
  /** Bodies of the commits since that tag (for Sem-Ver lines). */
  readonly messages: string;
}

/** pbr's `_get_version_from_git` + `_get_version_from_git_target` (pure). */
export function pbrVersionFromHistory(history: PbrHistory): string {
  let target: SemanticVersion | undefined;
  try {
    if (history.exactTag === undefined) throw new Error('untagged');
    target = parsePbrVersion(history.exactTag.replaceAll('-', '.'));
  } catch {
    target = history.preVersion === undefined ? undefined : parsePbrVersion(history.preVersion);
  }
  const last = parsePbrVersion(history.tag || '0');
  const next = history.distance === 0 ? last : incrementVersion(last, semVerIncrement(history.messages));
  if (target !== undefined && comparePbrVersions(next, target) > 0) {
    throw new FerryError(
      'FERRY_BUILD_FAILED',
      `git history requires a target version of ${pbrReleaseString(next)}, but target version is ${pbrReleaseString(target)}`,
    );
  }
  if (history.distance === 0) return pbrReleaseString(last);
  const dev = toDev(next, history.distance);
  if (target !== undefined) {
    const targetDev = toDev(target, history.distance);
    if (comparePbrVersions(targetDev, dev) > 0) return pbrReleaseString(targetDev);
  }
  return pbrReleaseString(dev);
}

/**
 * The version pbr reports for `commit` of the repository in `dir` (bare or
 * not). `preVersion` is setup.cfg's `[metadata] version` when the project
 * sets one.
 */
export async function pbrVersion(
  dir: string,
  commit: string,
  options: { readonly preVersion?: string } = {},
): Promise<string> {
  assertCommitHash(commit);
  const [exactTag, log] = await Promise.all([
    describeCommit(dir, commit, { exactMatch: true }),
    runGit(dir, ['log', '--decorate=full', '--format=%d', commit, '--']),
  ]);
  const rows = log.stdout
    .replace(/\n$/, '')
    .split('\n')
    .map((decoration) => ({ tags: versionTagsOfDecoration(decoration) }));
  const { tag, distance } = lastVersionTag(rows);
  // pbr asks git for `tag..HEAD`; a tag name it rewrote (1.2-rc1 → 1.2.rc1)
  // does not exist, git fails, and pbr reads no Sem-Ver lines: same here.
  const range = tag === '' ? [commit] : [`refs/tags/${tag}..${commit}`];
  const bodies =
    distance === 0
      ? ''
      : (await runGit(dir, ['log', '--format=%B', ...range, '--'], { allowFailure: true })).stdout;
  return pbrVersionFromHistory({
    ...(exactTag === undefined ? {} : { exactTag }),
    ...(options.preVersion === undefined ? {} : { preVersion: options.preVersion }),
    tag,
    distance,
    messages: bodies,
  });
}
