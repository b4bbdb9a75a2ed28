/**
 * All packages of the repositories a closure check reads, as libsolv's pool
 * holds them for dnf: one string table, packages numbered in repository
 * order, each package's provides (plus the `name = evr` self-provide libsolv
 * adds to every binary package), the providers of each name, and the owners
 * of the file paths dependencies name (libsolv's file provides, taken from
 * the full file lists as dnf loads them).
 *
 * A package can provide only when it is installable on the system
 * architecture (libsolv's pool_installable: arch compatible, never
 * src/nosrc); which packages are "available" is the check's choice.
 */
import { machine } from 'node:os';

import { compatibleArches, type ArchVariant } from '../rpm/index.js';
import { REL_EQ } from './reldep.js';
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

/** Packages and their provides across repositories, with global ids. */
export class ClosurePool {
  readonly repos: readonly PoolRepo[];
  readonly strings: string[] = [];
  readonly ids = new Map<string, number>();
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
  /** Provides by package (self-provide included). */
  readonly provStart: Int32Array;
  readonly provName: Int32Array;
  readonly provFlags: Uint8Array;
  readonly provEvr: Int32Array;
  /** Provide entries by name: entries `byName[byNameStart[n]..byNameStart[n+1]]` index the prov* arrays. */
  readonly byNameStart: Int32Array;
  readonly byName: Int32Array;
  /** Package owning each prov* entry. */
  readonly provPkg: Int32Array;
  /** Owners of file paths (by string id) looked up so far. */
  readonly fileOwners = new Map<number, readonly number[]>();
  private readonly looked = new Set<string>();
  readonly systemArch: string;

  constructor(repos: readonly PoolRepo[], options: PoolOptions) {
    this.repos = repos;
    this.systemArch = options.systemArch;
    this.repoStart = new Int32Array(repos.length + 1);
    let total = 0;
    let provTotal = 0;
    let reqTotal = 0;
    repos.forEach((repo, r) => {
      this.repoStart[r] = total;
      total += repo.packages.count;
      provTotal += repo.packages.provName.length + repo.packages.count;
      reqTotal += repo.packages.reqName.length;
    });
    this.repoStart[repos.length] = total;
    this.count = total;
    this.repoOf = new Int32Array(total);
    this.name = new Int32Array(total);
    this.arch = new Int32Array(total);
    this.evr = new Int32Array(total);
    this.installable = new Uint8Array(total);
    this.reqStart = new Int32Array(total + 1);
    this.reqName = new Int32Array(reqTotal);
    this.reqFlags = new Uint8Array(reqTotal);
    this.reqEvr = new Int32Array(reqTotal);
    this.provStart = new Int32Array(total + 1);
    this.provName = new Int32Array(provTotal);
    this.provFlags = new Uint8Array(provTotal);
    this.provEvr = new Int32Array(provTotal);
    this.provPkg = new Int32Array(provTotal);

    const compatible = new Set(
      compatibleArches(options.systemArch, { variant: options.archVariant ?? 'fedora' }),
    );
    let prov = 0;
    let req = 0;
    repos.forEach((repo, r) => {
      const p = repo.packages;
      const map = this.mapStrings(p.strings, r === 0);
      const installableArch = new Map<number, boolean>();
      const base = this.repoStart[r]!;
      for (let i = 0; i < p.count; i++) {
        const id = base + i;
        this.repoOf[id] = r;
        const name = map[p.name[i]!]!;
        const arch = map[p.arch[i]!]!;
        const evr = map[p.evr[i]!]!;
        this.name[id] = name;
        this.arch[id] = arch;
        this.evr[id] = evr;
        let ok = installableArch.get(arch);
        if (ok === undefined) {
          ok = compatible.has(this.strings[arch]!);
          installableArch.set(arch, ok);
        }
        this.installable[id] = ok ? 1 : 0;

        this.provStart[id] = prov;
        for (let e = p.provStart[i]!; e < p.provStart[i + 1]!; e++) {
          this.provName[prov] = map[p.provName[e]!]!;
          this.provFlags[prov] = p.provFlags[e]!;
          const pe = p.provEvr[e]!;
          this.provEvr[prov] = pe < 0 ? -1 : map[pe]!;
          this.provPkg[prov++] = id;
        }
        // libsolv adds `name = evr` to every package that is not a source package.
        const archText = this.strings[arch]!;
        if (archText !== 'src' && archText !== 'nosrc') {
          this.provName[prov] = name;
          this.provFlags[prov] = REL_EQ;
          this.provEvr[prov] = evr;
          this.provPkg[prov++] = id;
        }

        this.reqStart[id] = req;
        for (let e = p.reqStart[i]!; e < p.reqStart[i + 1]!; e++) {
          this.reqName[req] = map[p.reqName[e]!]!;
          this.reqFlags[req] = p.reqFlags[e]!;
          const re = p.reqEvr[e]!;
          this.reqEvr[req++] = re < 0 ? -1 : map[re]!;
        }
      }
    });
    this.provStart[total] = prov;
    this.reqStart[total] = req;

    // Counting sort of provide entries by name: the whatprovides index.
    const strings = this.strings.length;
    this.byNameStart = new Int32Array(strings + 1);
    for (let e = 0; e < prov; e++) this.byNameStart[this.provName[e]! + 1]!++;
    for (let s = 0; s < strings; s++) this.byNameStart[s + 1]! += this.byNameStart[s]!;
    const fill = this.byNameStart.slice(0, strings);
    this.byName = new Int32Array(prov);
    for (let e = 0; e < prov; e++) this.byName[fill[this.provName[e]!]!++] = e;
  }

  /** Global ids of a repository's strings (the first repository's table is taken over as is). */
  private mapStrings(local: readonly string[], first: boolean): Int32Array {
    const map = new Int32Array(local.length);
    if (first) {
      for (let i = 0; i < local.length; i++) {
        this.strings.push(local[i]!);
        this.ids.set(local[i]!, i);
        map[i] = i;
      }
      return map;
    }
    for (let i = 0; i < local.length; i++) map[i] = this.intern(local[i]!);
    return map;
  }

  /** The id of a string, added when new. */
  intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
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
      if (owners.length > 0) this.fileOwners.set(this.intern(path), owners);
    }
  }

  /** Whether file owners of `path` were looked up. */
  fileOwnersLoaded(path: string): boolean {
    return this.looked.has(path);
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
