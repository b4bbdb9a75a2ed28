/**
 * All packages of the repositories a closure check reads, as libsolv's pool
 * holds them for dnf: one string table, packages numbered in repository
 * order, each package's provides, the providers of each name (plus the
 * `name = evr` self-provide libsolv gives every binary package), and the
 * owners of the file paths dependencies name (libsolv's file provides).
 *
 * A package can provide only when it is installable on the system
 * architecture (libsolv's pool_installable: arch compatible, never
 * src/nosrc); which packages are "available" is the check's choice.
 *
 * One repository (the common case) is used as loaded: its string table and
 * arrays are shared, not copied, and a dependency index brings the
 * providers-by-name table prebuilt. Several repositories are merged into one
 * string table.
 */
import { machine } from 'node:os';

// Deep import (not ../rpm/index.js): `ferry repo closure` loads only the modules it runs (start-up time).
import { compatibleArches, type ArchVariant } from '../rpm/arch.js';
import type { RepoPackages } from './repo-packages.js';

/** One repository of the pool. */
export interface PoolRepo {
  readonly id: string;
  readonly packages: RepoPackages;
}

export interface PoolOptions {
  /** Architecture of the system dnf would run on (its pool arch; default: this machine's). */
  readonly systemArch: string;
  /** libsolv build flavour of the arch table (default fedora). */
  readonly archVariant?: ArchVariant;
}

/** The package tables a pool is built from: one repository's, or several merged. */
type Tables = Omit<RepoPackages, 'count' | 'files'>;

/** Counting sort of `keys` (values below `size`): CSR start offsets and the sorted element indexes. */
export function groupBy(
  keys: Int32Array,
  size: number,
  include?: (i: number) => boolean,
): [Int32Array, Int32Array] {
  const start = new Int32Array(size + 1);
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    if (include && !include(i)) continue;
    start[keys[i]! + 1]!++;
    total++;
  }
  for (let s = 0; s < size; s++) start[s + 1]! += start[s]!;
  const fill = start.slice(0, size);
  const items = new Int32Array(total);
  for (let i = 0; i < keys.length; i++) {
    if (include && !include(i)) continue;
    items[fill[keys[i]!]!++] = i;
  }
  return [start, items];
}

function merge(repos: readonly PoolRepo[]): Tables {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  let n = 0;
  let p = 0;
  let r = 0;
  for (const repo of repos) {
    n += repo.packages.count;
    p += repo.packages.provName.length;
    r += repo.packages.reqName.length;
  }
  const t = {
    strings,
    ids,
    name: new Int32Array(n),
    arch: new Int32Array(n),
    evr: new Int32Array(n),
    provStart: new Int32Array(n + 1),
    provName: new Int32Array(p),
    provFlags: new Uint8Array(p),
    provEvr: new Int32Array(p),
    reqStart: new Int32Array(n + 1),
    reqName: new Int32Array(r),
    reqFlags: new Uint8Array(r),
    reqEvr: new Int32Array(r),
  };
  let pkg = 0;
  let prov = 0;
  let req = 0;
  for (const repo of repos) {
    const src = repo.packages;
    const map = new Int32Array(src.strings.length);
    for (let i = 0; i < src.strings.length; i++) {
      const text = src.strings[i]!;
      let id = ids.get(text);
      if (id === undefined) {
        id = strings.length;
        strings.push(text);
        ids.set(text, id);
      }
      map[i] = id;
    }
    const mapEvr = (e: number): number => (e < 0 ? -1 : map[e]!);
    for (let i = 0; i < src.count; i++, pkg++) {
      t.name[pkg] = map[src.name[i]!]!;
      t.arch[pkg] = map[src.arch[i]!]!;
      t.evr[pkg] = map[src.evr[i]!]!;
      t.provStart[pkg] = prov;
      for (let e = src.provStart[i]!; e < src.provStart[i + 1]!; e++, prov++) {
        t.provName[prov] = map[src.provName[e]!]!;
        t.provFlags[prov] = src.provFlags[e]!;
        t.provEvr[prov] = mapEvr(src.provEvr[e]!);
      }
      t.reqStart[pkg] = req;
      for (let e = src.reqStart[i]!; e < src.reqStart[i + 1]!; e++, req++) {
        t.reqName[req] = map[src.reqName[e]!]!;
        t.reqFlags[req] = src.reqFlags[e]!;
        t.reqEvr[req] = mapEvr(src.reqEvr[e]!);
      }
    }
  }
  t.provStart[n] = prov;
  t.reqStart[n] = req;
  return t;
}

/** Packages and their provides across repositories, with global ids. */
export class ClosurePool {
  readonly repos: readonly PoolRepo[];
  readonly strings: readonly string[];
  private idsMap: ReadonlyMap<string, number> | undefined;
  private providedIds: ReadonlyMap<string, number> | undefined;
  readonly count: number;
  /** First package id of each repository, plus the total at the end. */
  readonly repoStart: Int32Array;
  readonly repoOf: Int32Array;
  readonly name: Int32Array;
  readonly arch: Int32Array;
  readonly evr: Int32Array;
  readonly installable: Uint8Array;
  readonly reqStart: Int32Array;
  readonly reqName: Int32Array;
  readonly reqFlags: Uint8Array;
  readonly reqEvr: Int32Array;
  readonly provStart: Int32Array;
  readonly provName: Int32Array;
  readonly provFlags: Uint8Array;
  readonly provEvr: Int32Array;
  /** Provide entries by name: `byName[byNameStart[n] .. byNameStart[n + 1]]` index the prov* arrays. */
  readonly byNameStart: Int32Array;
  readonly byName: Int32Array;
  /** Package owning each prov* entry. */
  readonly provPkg: Int32Array;
  /** Binary packages by name (their implicit `name = evr` provide). */
  readonly selfStart: Int32Array;
  readonly selfPkg: Int32Array;
  /** Owners of file paths looked up so far. */
  readonly fileOwners = new Map<string, readonly number[]>();
  private readonly looked = new Set<string>();
  readonly systemArch: string;

  constructor(repos: readonly PoolRepo[], options: PoolOptions) {
    this.repos = repos;
    this.systemArch = options.systemArch;
    const single = repos.length === 1;
    const t: Tables = single ? repos[0]!.packages : merge(repos);
    this.strings = t.strings;
    this.idsMap = t.ids;
    this.name = t.name;
    this.arch = t.arch;
    this.evr = t.evr;
    this.provStart = t.provStart;
    this.provName = t.provName;
    this.provFlags = t.provFlags;
    this.provEvr = t.provEvr;
    this.reqStart = t.reqStart;
    this.reqName = t.reqName;
    this.reqFlags = t.reqFlags;
    this.reqEvr = t.reqEvr;
    const n = t.name.length;
    this.count = n;

    this.repoStart = new Int32Array(repos.length + 1);
    this.repoOf = new Int32Array(n);
    let total = 0;
    repos.forEach((repo, r) => {
      this.repoStart[r] = total;
      this.repoOf.fill(r, total, total + repo.packages.count);
      total += repo.packages.count;
    });
    this.repoStart[repos.length] = total;

    const compatible = new Set(
      compatibleArches(options.systemArch, { variant: options.archVariant ?? 'fedora' }),
    );
    const archOk = new Map<number, number>();
    const binary = new Map<number, boolean>();
    this.installable = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const arch = this.arch[i]!;
      let ok = archOk.get(arch);
      if (ok === undefined) {
        const text = this.strings[arch]!;
        ok = compatible.has(text) ? 1 : 0;
        archOk.set(arch, ok);
        binary.set(arch, text !== 'src' && text !== 'nosrc');
      }
      this.installable[i] = ok;
    }

    this.provPkg = new Int32Array(this.provName.length);
    for (let i = 0; i < n; i++) this.provPkg.fill(i, this.provStart[i], this.provStart[i + 1]);
    const size = this.strings.length;
    if (single && t.whatStart && t.whatEntry) {
      this.byNameStart = t.whatStart;
      this.byName = t.whatEntry;
    } else {
      [this.byNameStart, this.byName] = groupBy(this.provName, size);
    }
    // libsolv adds `name = evr` to every package that is not a source package.
    [this.selfStart, this.selfPkg] = groupBy(this.name, size, (i) => binary.get(this.arch[i]!) === true);
  }

  /** The id of a string in the pool, undefined when no package mentions it. */
  idOf(text: string): number | undefined {
    if (!this.idsMap) {
      const ids = new Map<string, number>();
      for (let i = 0; i < this.strings.length; i++)
        if (!ids.has(this.strings[i]!)) ids.set(this.strings[i]!, i);
      this.idsMap = ids;
    }
    return this.idsMap.get(text);
  }

  /**
   * The id of a name something provides (a provide or a binary package's
   * name), undefined otherwise: the resolver's lookup for the atoms of rich
   * dependencies. When idOf's map of every string is not built yet, a map of
   * the provided names only is much cheaper (no paths, versions, summaries).
   */
  providedNameId(text: string): number | undefined {
    if (this.idsMap) return this.idsMap.get(text);
    if (!this.providedIds) {
      const ids = new Map<string, number>();
      for (let id = 0; id < this.strings.length; id++) {
        const provided =
          this.byNameStart[id + 1]! > this.byNameStart[id]! || this.selfStart[id + 1]! > this.selfStart[id]!;
        if (provided && !ids.has(this.strings[id]!)) ids.set(this.strings[id]!, id);
      }
      this.providedIds = ids;
    }
    return this.providedIds.get(text);
  }

  /** Looks up (once per path) which packages own `paths`, across all repositories. */
  async loadFileOwners(paths: Iterable<string>): Promise<void> {
    const todo = [...new Set(paths)].filter((path) => !this.looked.has(path));
    if (todo.length === 0) return;
    for (const path of todo) this.looked.add(path);
    const found = await Promise.all(this.repos.map((repo) => repo.packages.files.owners(todo)));
    for (const path of todo) {
      const owners: number[] = [];
      found.forEach((map, r) => {
        for (const local of map.get(path) ?? []) owners.push(this.repoStart[r]! + local);
      });
      if (owners.length > 0) this.fileOwners.set(path, owners);
    }
  }

  repoId(pkg: number): string {
    return this.repos[this.repoOf[pkg]!]!.id;
  }

  /** `name-[epoch:]version-release.arch`, as dnf prints a package. */
  nevra(pkg: number): string {
    return `${this.strings[this.name[pkg]!]!}-${this.strings[this.evr[pkg]!]!}.${this.strings[this.arch[pkg]!]!}`;
  }
}

/** The machine architecture dnf would detect here (`uname -m`: x86_64, aarch64, ppc64le, s390x, ...). */
export function machineArch(): string {
  return machine();
}
