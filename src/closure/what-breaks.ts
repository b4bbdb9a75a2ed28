/**
 * "What breaks if these packages go into that repository?": candidates are
 * added, and replace the packages of the target repository with the same
 * name (same arch, or either side noarch: a package moving between noarch
 * and an arch replaces its old build too). Reported are the packages that
 * had a dependency resolved before and unresolved after, and the candidates'
 * own unresolved dependencies, with dnf repoclosure's semantics.
 *
 * It is incremental: without conflicts in the picture, adding providers
 * never breaks a dependency (`without` included: an added package only joins
 * the sets), so only removals can. A reverse index (name -> packages
 * requiring it, rich dependencies under each name they mention) gives the
 * packages whose requirements mention a name or file a replaced package
 * provided; only those requirements are evaluated again. The index is built
 * once per pool and kept.
 */
import { FerryError } from '../errors.js';
import { isArchCompatible } from '../rpm/arch.js';
import {
  compareBytes,
  comparePackages,
  isIgnoredRequire,
  requireReldep,
  requiredPaths,
} from './closure-check.js';
import { groupBy, type ClosurePool } from './closure-pool.js';
import {
  flagsFromAttribute,
  formatReldep,
  makeEvr,
  REL_EQ,
  reldepFromEntry,
  reldepNames,
  type Reldep,
} from './reldep.js';
import { packageEvr, type ClosurePackageInput } from './repo-packages.js';
import { Resolver, type ExtraProvide, type Overlay } from './resolver.js';

export interface WhatBreaksOptions {
  /** Id of the repository the candidates would go into. */
  readonly repo: string;
  /** Packages that would be added (the shared RpmPackage model fits). */
  readonly candidates: readonly ClosurePackageInput[];
  /** Repositories whose packages are reported when they break (default: the target repository). */
  readonly check?: readonly string[];
}

/** A package with dependencies unresolved. */
export interface BrokenPackage {
  readonly package: string;
  readonly repo: string;
  readonly dependencies: readonly string[];
}

export interface WhatBreaksResult {
  /** Packages of the target repository the candidates replace (NEVRA). */
  readonly replaced: readonly string[];
  /** Packages that become unresolvable, with the dependencies that stop resolving. */
  readonly broken: readonly BrokenPackage[];
  /** Candidates with unresolved dependencies. */
  readonly candidates: readonly BrokenPackage[];
}

interface ReverseIndex {
  /** Require entries by name string id: `byName[byNameStart[n] .. byNameStart[n + 1]]`. */
  readonly byNameStart: Int32Array;
  readonly byName: Int32Array;
  /** Atom text of rich requires -> the rich require entries mentioning it. */
  readonly richByAtom: Map<string, number[]>;
  /** File path -> require entries mentioning it. */
  readonly pathEntries: Map<string, number[]>;
  /** Require entry -> package. */
  readonly entryPkg: Int32Array;
  /** Package -> required file paths it ships. */
  readonly ownedPaths: Map<number, string[]>;
}

const reverseIndexes = new WeakMap<ClosurePool, Promise<ReverseIndex>>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

/**
 * Which requirements mention what: plain ones grouped by name id with a
 * counting sort (typed arrays, no per-entry allocation), the atoms of rich
 * ones and required paths in maps (few entries).
 */
async function buildReverseIndex(pool: ClosurePool): Promise<ReverseIndex> {
  const all = Array.from({ length: pool.count }, (_, id) => id);
  await pool.loadFileOwners(requiredPaths(pool, all));
  const [byNameStart, byName] = groupBy(pool.reqName, pool.strings.length);
  const richByAtom = new Map<string, number[]>();
  const pathEntries = new Map<string, number[]>();
  const entryPkg = new Int32Array(pool.reqName.length);
  for (let id = 0; id < pool.count; id++) entryPkg.fill(id, pool.reqStart[id], pool.reqStart[id + 1]);
  for (let e = 0; e < pool.reqName.length; e++) {
    const name = pool.strings[pool.reqName[e]!]!;
    const first = name.charCodeAt(0);
    if (first === 0x28 /* ( */ && pool.reqFlags[e] === 0) {
      const dep = requireReldep(pool, e);
      for (const atom of dep ? reldepNames(dep) : []) {
        if (atom.startsWith('/')) push(pathEntries, atom, e);
        push(richByAtom, atom, e);
      }
    } else if (first === 0x2f /* / */) push(pathEntries, name, e);
  }
  const ownedPaths = new Map<number, string[]>();
  for (const [path, owners] of pool.fileOwners) for (const pkg of owners) push(ownedPaths, pkg, path);
  return { byNameStart, byName, richByAtom, pathEntries, entryPkg, ownedPaths };
}

function reverseIndex(pool: ClosurePool): Promise<ReverseIndex> {
  let index = reverseIndexes.get(pool);
  if (!index) {
    index = buildReverseIndex(pool);
    reverseIndexes.set(pool, index);
  }
  return index;
}

function replaces(candidate: ClosurePackageInput, pool: ClosurePool, id: number): boolean {
  if (pool.strings[pool.name[id]!] !== candidate.name) return false;
  const arch = pool.strings[pool.arch[id]!]!;
  return arch === candidate.arch || arch === 'noarch' || candidate.arch === 'noarch';
}

function repoIndex(pool: ClosurePool, id: string): number {
  const index = pool.repos.findIndex((repo) => repo.id === id);
  if (index < 0) throw new FerryError('FERRY_USAGE', `what breaks: no repository "${id}" in the pool`);
  return index;
}

function candidateOverlay(pool: ClosurePool, candidates: readonly ClosurePackageInput[]): Overlay {
  const usable = candidates.map(
    (c) => c.arch !== 'src' && c.arch !== 'nosrc' && isArchCompatible(c.arch, pool.systemArch),
  );
  const provides = new Map<string, ExtraProvide[]>();
  const fileOwners = new Map<string, number[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [value]);
    else list.push(value);
  };
  candidates.forEach((c, i) => {
    const pkg = pool.count + i;
    for (const dep of c.provides) {
      const flags = dep.flags ? flagsFromAttribute(dep.flags) : 0;
      push(provides, dep.name, {
        pkg,
        flags,
        evr: flags ? makeEvr(dep.epoch, dep.version, dep.release) : '',
      });
    }
    if (c.arch !== 'src' && c.arch !== 'nosrc')
      push(provides, c.name, { pkg, flags: REL_EQ, evr: packageEvr(c) });
    for (const file of c.files) push(fileOwners, file.path, pkg);
  });
  return { usable: (pkg) => usable[pkg - pool.count] === true, provides, fileOwners };
}

/** The require entries of a candidate as libsolv reads them (dropped ones left out). */
function candidateRequires(c: ClosurePackageInput): Reldep[] {
  const out: Reldep[] = [];
  for (const dep of c.requires) {
    if (dep.name === '') continue;
    const flags = dep.flags ? flagsFromAttribute(dep.flags) : 0;
    const reldep = reldepFromEntry(
      dep.name,
      flags,
      flags ? makeEvr(dep.epoch, dep.version, dep.release) : undefined,
    );
    if (reldep) out.push(reldep);
  }
  return out;
}

/**
 * What breaks when `candidates` go into repository `repo` of the pool (every
 * package of the pool is available, as in a plain repoclosure).
 *
 * @example
 *   const { pool } = await openClosurePool([parseRepoSpec('main,/srv/repo')]);
 *   const result = await whatBreaks(pool, { repo: 'main', candidates: [await readRpmFile('foo-2.0-1.noarch.rpm')] });
 *   result.broken // [{ package: 'bar-1.0-1.noarch', repo: 'main', dependencies: ['foo < 2'] }]
 */
export async function whatBreaks(pool: ClosurePool, options: WhatBreaksOptions): Promise<WhatBreaksResult> {
  const target = repoIndex(pool, options.repo);
  const checked = new Set((options.check ?? [options.repo]).map((id) => repoIndex(pool, id)));
  const index = await reverseIndex(pool);

  const removed: number[] = [];
  for (let id = pool.repoStart[target]!; id < pool.repoStart[target + 1]!; id++) {
    if (options.candidates.some((c) => replaces(c, pool, id))) removed.push(id);
  }
  const before = pool.installable;
  const after = Uint8Array.from(before);
  for (const id of removed) after[id] = 0;
  const overlay = candidateOverlay(pool, options.candidates);
  const candidatePaths = new Set<string>();
  const candidateDeps = options.candidates.map(candidateRequires);
  for (const deps of candidateDeps) {
    for (const dep of deps)
      for (const name of reldepNames(dep)) if (name.startsWith('/')) candidatePaths.add(name);
  }
  await pool.loadFileOwners(candidatePaths);
  const resolverBefore = new Resolver(pool, before);
  const resolverAfter = new Resolver(pool, after, overlay);

  // Names whose providers shrank: everything a replaced package provided (itself included), and
  // the required files it shipped. Only requirements mentioning those can stop resolving.
  const entries = new Set<number>();
  const addEntries = (list: (ArrayLike<number> & Iterable<number>) | undefined): void => {
    for (const e of list ?? []) entries.add(e);
  };
  const addNameEntries = (nameId: number): void => {
    addEntries(index.byName.subarray(index.byNameStart[nameId], index.byNameStart[nameId + 1]));
    addEntries(index.richByAtom.get(pool.strings[nameId]!));
  };
  for (const id of removed) {
    for (let e = pool.provStart[id]!; e < pool.provStart[id + 1]!; e++) addNameEntries(pool.provName[e]!);
    addNameEntries(pool.name[id]!);
    for (const path of index.ownedPaths.get(id) ?? []) addEntries(index.pathEntries.get(path));
  }
  const isRemoved = new Set(removed);
  const brokenByPkg = new Map<number, string[]>();
  for (const e of [...entries].sort((a, b) => a - b)) {
    const pkg = index.entryPkg[e]!;
    if (isRemoved.has(pkg) || !checked.has(pool.repoOf[pkg]!)) continue;
    const dep = requireReldep(pool, e);
    if (!dep) continue;
    const text = formatReldep(dep);
    if (isIgnoredRequire(text)) continue;
    const rich = pool.reqFlags[e] === 0 && pool.strings[pool.reqName[e]!]!.startsWith('(');
    const wasOk = rich ? resolverBefore.satisfied(dep) : resolverBefore.satisfiedEntry(e);
    if (wasOk && !(rich ? resolverAfter.satisfied(dep) : resolverAfter.satisfiedEntry(e))) {
      const list = brokenByPkg.get(pkg);
      if (list === undefined) brokenByPkg.set(pkg, [text]);
      else if (!list.includes(text)) list.push(text);
    }
  }
  const broken = [...brokenByPkg.keys()]
    .sort((a, b) => comparePackages(pool, a, b))
    .map((pkg) => ({
      package: pool.nevra(pkg),
      repo: pool.repoId(pkg),
      dependencies: brokenByPkg.get(pkg)!.sort(compareBytes),
    }));

  const candidates: BrokenPackage[] = [];
  options.candidates.forEach((c, i) => {
    const missing = new Set<string>();
    for (const dep of candidateDeps[i]!) {
      const text = formatReldep(dep);
      if (!isIgnoredRequire(text) && !resolverAfter.satisfied(dep)) missing.add(text);
    }
    if (missing.size > 0) {
      candidates.push({
        package: `${c.name}-${packageEvr(c)}.${c.arch}`,
        repo: options.repo,
        dependencies: [...missing].sort(compareBytes),
      });
    }
  });
  return { replaced: removed.map((id) => pool.nevra(id)), broken, candidates };
}
