/**
 * dnf repoclosure's decision (dnf-plugins-core plugins/repoclosure.py,
 * _get_unresolved), as pure functions over a ClosurePool:
 *
 * - available (may satisfy dependencies) and to_check (whose requires are
 *   tested) are every package, or with `newest` only the newest version of
 *   each name.arch within each repository (both sets; obsoletes play no
 *   part); `best` (dnf.conf best=True) further keeps only the newest of each
 *   name.arch across all repositories in available;
 * - `pkg` narrows to_check to packages matching dnf's package specs
 *   (a spec matching nothing checkable is an error);
 * - `check` narrows to_check to the named repositories, `arch` to the given
 *   architectures (exact names: `--arch x86_64` does not check noarch);
 * - every require of a checked package (Requires(pre) included) except
 *   `rpmlib(...)` and `solvable:...` is tested against available ∩
 *   installable (see resolver.ts); conflicts play no part.
 */
import { FerryError } from '../errors.js';
import type { ClosurePool } from './closure-pool.js';
import { evrCompare } from './evr-match.js';
import { matchPackageSpec } from './package-spec.js';
import { formatReldep, reldepFromEntry, reldepNames, type Reldep } from './reldep.js';
import { Resolver } from './resolver.js';

/** What to check; every field optional as in dnf. */
export interface ClosureSelection {
  /** Only packages of these repositories are checked (default: all). */
  readonly check?: readonly string[];
  readonly newest?: boolean;
  readonly best?: boolean;
  /** Package specs (`name`, `name.arch`, `name-version-release`, globs) whose matches are checked. */
  readonly pkg?: readonly string[];
  /** Only packages of these architectures are checked. */
  readonly arch?: readonly string[];
}

/** The packages checked and the packages that may satisfy dependencies. */
export interface Selection {
  readonly toCheck: Int32Array;
  readonly available: Uint8Array;
}

/** One package with unresolved dependencies. */
export interface UnresolvedPackage {
  /** `name-[epoch:]version-release.arch` (epoch only when not 0). */
  readonly package: string;
  readonly repo: string;
  /** As dnf prints them, sorted. */
  readonly dependencies: readonly string[];
  /** Pool id of the package. */
  readonly id: number;
}

export interface ClosureResult {
  /** Sorted as dnf sorts packages: name, EVR, arch, repository. */
  readonly unresolved: readonly UnresolvedPackage[];
  readonly checked: number;
}

/** Ids of `ids` that are the newest of their name.arch (libdnf's latest_per_arch, keeping ties of the same EVR text). */
export function latestPerArch(pool: ClosurePool, ids: readonly number[]): number[] {
  const sorted = [...ids].sort(
    (a, b) =>
      pool.name[a]! - pool.name[b]! ||
      pool.arch[a]! - pool.arch[b]! ||
      -evrCompare(pool.strings[pool.evr[a]!]!, pool.strings[pool.evr[b]!]!, 'compare') ||
      a - b,
  );
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    const prev = i > 0 ? sorted[i - 1]! : -1;
    const head = prev < 0 || pool.name[prev] !== pool.name[id] || pool.arch[prev] !== pool.arch[id];
    if (head) out.push(id);
    else if (pool.evr[out[out.length - 1]!] === pool.evr[id] && pool.evr[prev] === pool.evr[id]) out.push(id);
  }
  return out.sort((a, b) => a - b);
}

function repoIndexes(pool: ClosurePool, ids: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const id of ids) {
    const index = pool.repos.findIndex((repo) => repo.id === id);
    if (index < 0) throw new FerryError('FERRY_USAGE', `--check ${id}: no repository has that id`);
    out.add(index);
  }
  return out;
}

/** dnf's available and to_check sets. Throws FERRY_NOT_FOUND when a package spec matches nothing to check. */
export function selectPackages(pool: ClosurePool, selection: ClosureSelection = {}): Selection {
  let base: number[] = [];
  if (selection.newest) {
    for (let r = 0; r < pool.repos.length; r++) {
      const ids: number[] = [];
      for (let id = pool.repoStart[r]!; id < pool.repoStart[r + 1]!; id++) ids.push(id);
      base.push(...latestPerArch(pool, ids));
    }
  } else {
    base = Array.from({ length: pool.count }, (_, id) => id);
  }
  let toCheck = base;
  if (selection.pkg && selection.pkg.length > 0) {
    const inBase = new Uint8Array(pool.count);
    for (const id of base) inBase[id] = 1;
    const chosen = new Set<number>();
    const missing: string[] = [];
    for (const spec of selection.pkg) {
      const matched = matchPackageSpec(pool, spec).filter((id) => inBase[id] === 1);
      if (matched.length === 0) missing.push(spec);
      for (const id of matched) chosen.add(id);
    }
    if (missing.length > 0)
      throw new FerryError('FERRY_NOT_FOUND', `no package matched: ${missing.join(', ')}`);
    toCheck = [...chosen].sort((a, b) => a - b);
  }
  if (selection.check && selection.check.length > 0) {
    const repos = repoIndexes(pool, selection.check);
    toCheck = toCheck.filter((id) => repos.has(pool.repoOf[id]!));
  }
  if (selection.arch && selection.arch.length > 0) {
    const arches = new Set(selection.arch);
    toCheck = toCheck.filter((id) => arches.has(pool.strings[pool.arch[id]!]!));
  }
  const availableIds = selection.best ? latestPerArch(pool, base) : base;
  const available = new Uint8Array(pool.count);
  for (const id of availableIds) available[id] = 1;
  return { toCheck: Int32Array.from(toCheck), available };
}

/** The dependency libsolv holds for require entry `e` of the pool, undefined when it drops it. */
export function requireReldep(pool: ClosurePool, e: number): Reldep | undefined {
  const flags = pool.reqFlags[e]!;
  const evr = pool.reqEvr[e]!;
  return reldepFromEntry(pool.strings[pool.reqName[e]!]!, flags, evr < 0 ? undefined : pool.strings[evr]);
}

/** Whether dnf repoclosure skips a require (its text starts with `rpmlib(` or `solvable:`). */
export function isIgnoredRequire(text: string): boolean {
  return text.startsWith('rpmlib(') || text.startsWith('solvable:');
}

/** File paths named by the requires of `ids` (the file owners the check needs). */
export function requiredPaths(pool: ClosurePool, ids: Iterable<number>): Set<string> {
  const paths = new Set<string>();
  for (const id of ids) {
    for (let e = pool.reqStart[id]!; e < pool.reqStart[id + 1]!; e++) {
      const name = pool.strings[pool.reqName[e]!]!;
      if (name.startsWith('/')) paths.add(name);
      else if (name.startsWith('(') && name.includes('/')) {
        const dep = requireReldep(pool, e);
        if (dep) for (const atom of reldepNames(dep)) if (atom.startsWith('/')) paths.add(atom);
      }
    }
  }
  return paths;
}

/** Orders packages as dnf's sorted() does (libdnf dnf_package_cmp). */
export function comparePackages(pool: ClosurePool, a: number, b: number): number {
  const byName = compareBytes(pool.strings[pool.name[a]!]!, pool.strings[pool.name[b]!]!);
  if (byName !== 0) return byName;
  const byEvr = evrCompare(pool.strings[pool.evr[a]!]!, pool.strings[pool.evr[b]!]!, 'compare');
  if (byEvr !== 0) return byEvr;
  const byArch = compareBytes(pool.strings[pool.arch[a]!]!, pool.strings[pool.arch[b]!]!);
  if (byArch !== 0) return byArch;
  return compareBytes(pool.repoId(a), pool.repoId(b));
}

/** strcmp over UTF-8: code point order. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The unresolved requires of the selected packages. File owners of
 * requiredPaths(pool, selection.toCheck) must be loaded first.
 */
export function findUnresolved(pool: ClosurePool, selection: Selection): ClosureResult {
  const usable = new Uint8Array(pool.count);
  for (let id = 0; id < pool.count; id++) usable[id] = selection.available[id]! & pool.installable[id]!;
  const resolver = new Resolver(pool, usable);
  // A dependency's answer does not depend on who asks: one evaluation per distinct entry.
  const plain = new Int8Array(pool.strings.length);
  const versioned = new Map<number, boolean>();
  const rich = new Map<number, { readonly text: string; readonly ok: boolean } | null>();
  const stride = pool.strings.length + 1;
  const found: UnresolvedPackage[] = [];
  for (const id of selection.toCheck) {
    let missing: string[] | undefined;
    for (let e = pool.reqStart[id]!; e < pool.reqStart[id + 1]!; e++) {
      const nameId = pool.reqName[e]!;
      const flags = pool.reqFlags[e]!;
      if (flags === 0) {
        let state = plain[nameId]!;
        if (state === 0) {
          const name = pool.strings[nameId]!;
          if (name.charCodeAt(0) === 0x28 /* ( */) state = 2;
          else if (isIgnoredRequire(name)) state = 1;
          else state = resolver.satisfiedEntry(e) ? 1 : -1;
          plain[nameId] = state;
        }
        if (state === 1) continue;
        if (state === -1) {
          (missing ??= []).push(pool.strings[nameId]!);
          continue;
        }
        let cached = rich.get(nameId);
        if (cached === undefined) {
          const dep = requireReldep(pool, e);
          if (dep) {
            const text = formatReldep(dep);
            cached = { text, ok: isIgnoredRequire(text) || resolver.satisfied(dep) };
          } else cached = null;
          rich.set(nameId, cached);
        }
        if (cached && !cached.ok) (missing ??= []).push(cached.text);
        continue;
      }
      const key = (pool.reqEvr[e]! + 1) * stride * 8 + nameId * 8 + flags;
      let ok = versioned.get(key);
      if (ok === undefined) {
        ok = isIgnoredRequire(pool.strings[nameId]!) || resolver.satisfiedEntry(e);
        versioned.set(key, ok);
      }
      if (!ok) (missing ??= []).push(formatReldep(requireReldep(pool, e)!));
    }
    if (missing) {
      found.push({
        package: pool.nevra(id),
        repo: pool.repoId(id),
        dependencies: [...new Set(missing)].sort(compareBytes),
        id,
      });
    }
  }
  found.sort((a, b) => comparePackages(pool, a.id, b.id));
  return { unresolved: found, checked: selection.toCheck.length };
}
