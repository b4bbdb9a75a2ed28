import { FerryError } from '../errors.js';
import { gitOutput } from './git-command.js';
import { assertRefName } from './git-refs.js';

export const REF_KINDS = ['branch', 'tag'] as const;
export type RefKind = (typeof REF_KINDS)[number];

/** One place to look for the code to build. */
export interface RefCandidate {
  readonly name: string;
  readonly kind: RefKind;
}

/** DLRN's fallbacks when a source branch does not exist yet (`fallback_to_master`). */
export const DEFAULT_BRANCH_FALLBACKS: readonly string[] = ['master', 'main'];

export interface BranchFallbackOptions {
  /**
   * Branches to try, in order, when the wanted one and its aliases are missing.
   * Default `['master', 'main']`; `[]` means no fallback (DLRN's
   * `nonfallback_branches`). A distgit uses e.g. `['rpm-master']`.
   */
  readonly fallbacks?: readonly string[];
  /**
   * For `stable/X`, also try `unmaintained/X` and the `X-eol` tag before the
   * fallbacks, as DLRN does for releases past their maintenance (default true).
   */
  readonly stableAliases?: boolean;
}

/**
 * Where to look, in order, for the code of `wanted` (pure). The wanted name is
 * tried as a branch, then as a tag (a catalog may pin a source to a tag),
 * then DLRN's aliases of a stable branch, then the fallbacks.
 *
 * @example
 *   branchCandidates('stable/2024.1', { fallbacks: ['master', 'main'] })
 *   // stable/2024.1 (branch), stable/2024.1 (tag), unmaintained/2024.1 (branch),
 *   // 2024.1-eol (tag), master (branch), main (branch)
 */
export function branchCandidates(
  wanted: string,
  options: BranchFallbackOptions = {},
): readonly RefCandidate[] {
  assertRefName(wanted, 'branch');
  const candidates: RefCandidate[] = [
    { name: wanted, kind: 'branch' },
    { name: wanted, kind: 'tag' },
  ];
  const stable = /^stable\/(.+)$/.exec(wanted)?.[1];
  if (stable !== undefined && (options.stableAliases ?? true)) {
    candidates.push(
      { name: `unmaintained/${stable}`, kind: 'branch' },
      { name: `${stable}-eol`, kind: 'tag' },
    );
  }
  for (const fallback of options.fallbacks ?? DEFAULT_BRANCH_FALLBACKS) {
    assertRefName(fallback, 'fallback branch');
    if (!candidates.some((c) => c.kind === 'branch' && c.name === fallback)) {
      candidates.push({ name: fallback, kind: 'branch' });
    }
  }
  return candidates;
}

/** A ref of a repository with the commit it designates (tags peeled). */
export interface RefEntry {
  readonly name: string;
  readonly kind: RefKind;
  readonly commit: string;
}

/** What a wanted branch resolved to. */
export interface ResolvedRef {
  /** The branch (or tag) the caller asked for. */
  readonly requested: string;
  /** The branch or tag actually used. */
  readonly name: string;
  readonly kind: RefKind;
  /** Full hash of the commit it points at. */
  readonly commit: string;
  /** True when `name` is not `requested` (an alias or a fallback was used). */
  readonly fellBack: boolean;
  /** `refs/heads/<name>` or `refs/tags/<name>`: unambiguous for later git commands. */
  readonly fullRef: string;
}

/** Picks the first candidate present in `refs` (pure); undefined when none is. */
export function pickRef(
  requested: string,
  candidates: readonly RefCandidate[],
  refs: readonly RefEntry[],
): ResolvedRef | undefined {
  for (const candidate of candidates) {
    const found = refs.find((r) => r.kind === candidate.kind && r.name === candidate.name);
    if (found !== undefined) {
      return {
        requested,
        name: found.name,
        kind: found.kind,
        commit: found.commit,
        fellBack: found.name !== requested,
        fullRef: `${found.kind === 'branch' ? 'refs/heads' : 'refs/tags'}/${found.name}`,
      };
    }
  }
  return undefined;
}

/** Every branch and tag of a repository (bare mirror or work tree), tags peeled to their commit. */
export async function listRefs(dir: string): Promise<readonly RefEntry[]> {
  const out = await gitOutput(dir, [
    'for-each-ref',
    '--format=%(refname)%00%(objectname)%00%(*objectname)',
    'refs/heads',
    'refs/tags',
  ]);
  const refs: RefEntry[] = [];
  for (const line of out.split('\n')) {
    const [ref, object, peeled] = line.split('\0');
    if (ref === undefined || object === undefined) continue;
    const commit = peeled !== undefined && peeled !== '' ? peeled : object;
    if (ref.startsWith('refs/heads/')) refs.push({ name: ref.slice(11), kind: 'branch', commit });
    else if (ref.startsWith('refs/tags/')) refs.push({ name: ref.slice(10), kind: 'tag', commit });
  }
  return refs;
}

/**
 * Resolves the branch to build in a mirror, falling back as DLRN does when it
 * does not exist yet (see branchCandidates). Throws FERRY_VCS_FAILED naming
 * every place tried when none exists.
 */
export async function resolveBranch(
  dir: string,
  wanted: string,
  options: BranchFallbackOptions = {},
): Promise<ResolvedRef> {
  const candidates = branchCandidates(wanted, options);
  const resolved = pickRef(wanted, candidates, await listRefs(dir));
  if (resolved === undefined) {
    const tried = candidates.map((c) => `${c.kind} ${c.name}`).join(', ');
    throw new FerryError('FERRY_VCS_FAILED', `no branch ${wanted} in ${dir} (tried ${tried})`);
  }
  return resolved;
}
