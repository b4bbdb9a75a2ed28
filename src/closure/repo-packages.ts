/**
 * One repository's packages as the closure needs them: identity (name, EVR,
 * arch), provides and requires as string ids into the repository's own
 * string table, in flat typed arrays (compact, quick to build from XML or to
 * map straight out of a dependency index file), and the owners of file
 * paths, asked for on demand (file lists are large and only the paths some
 * dependency names are ever looked up).
 */
import { flagsFromAttribute, makeEvr } from './reldep.js';

/** Owners of file paths within one repository. */
export interface FileOwners {
  /** For each of `paths` that some package of the repository ships, the package indexes shipping it. */
  owners(paths: readonly string[]): Promise<ReadonlyMap<string, readonly number[]>>;
}

/**
 * The closure's view of one repository. Package `i` provides entries
 * `provStart[i]` to `provStart[i + 1]` of the `prov*` arrays (the same for
 * requires). Names and EVRs are indexes into `strings`; an absent EVR is -1.
 * Flags are libsolv REL_* bits (0: unversioned). EVRs are libsolv strings
 * (`[epoch:]version[-release]`, epoch 0 left out).
 */
export interface RepoPackages {
  readonly strings: readonly string[];
  /** String ids by text, when the loader built them anyway (saves rebuilding the map). */
  readonly ids?: ReadonlyMap<string, number>;
  readonly count: number;
  readonly name: Int32Array;
  readonly arch: Int32Array;
  readonly evr: Int32Array;
  readonly provStart: Int32Array;
  readonly provName: Int32Array;
  readonly provFlags: Uint8Array;
  readonly provEvr: Int32Array;
  readonly reqStart: Int32Array;
  readonly reqName: Int32Array;
  readonly reqFlags: Uint8Array;
  readonly reqEvr: Int32Array;
  /**
   * Optional prebuilt providers by name (a dependency index has them): the
   * provide entries of string `s` are `whatEntry[whatStart[s] .. whatStart[s + 1]]`.
   */
  readonly whatStart?: Int32Array;
  readonly whatEntry?: Int32Array;
  readonly files: FileOwners;
}

/** A dependency entry as repodata spells it (attributes of `<rpm:entry>`), or the package model's Dependency. */
export interface DependencyEntry {
  readonly name: string;
  readonly flags?: string | undefined;
  readonly epoch?: string | undefined;
  readonly version?: string | undefined;
  readonly release?: string | undefined;
}

/** Grows plain arrays, then freezes them into typed arrays. */
export class RepoPackagesBuilder {
  readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  private readonly name: number[] = [];
  private readonly arch: number[] = [];
  private readonly evr: number[] = [];
  private readonly provStart: number[] = [0];
  private readonly provName: number[] = [];
  private readonly provFlags: number[] = [];
  private readonly provEvr: number[] = [];
  private readonly reqStart: number[] = [0];
  private readonly reqName: number[] = [];
  private readonly reqFlags: number[] = [];
  private readonly reqEvr: number[] = [];

  get count(): number {
    return this.name.length;
  }

  intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  addProvide(entry: DependencyEntry): void {
    const flags = entry.flags ? flagsFromAttribute(entry.flags) : 0;
    this.provName.push(this.intern(entry.name));
    this.provFlags.push(flags);
    this.provEvr.push(flags ? this.intern(makeEvr(entry.epoch, entry.version, entry.release)) : -1);
  }

  addRequire(entry: DependencyEntry): void {
    const flags = entry.flags ? flagsFromAttribute(entry.flags) : 0;
    this.reqName.push(this.intern(entry.name));
    this.reqFlags.push(flags);
    this.reqEvr.push(flags ? this.intern(makeEvr(entry.epoch, entry.version, entry.release)) : -1);
  }

  /**
   * Ends a package: the provides and requires added since the previous one
   * are its. Returns its index.
   */
  endPackage(name: string, arch: string, evr: string): number {
    this.name.push(this.intern(name));
    this.arch.push(this.intern(arch));
    this.evr.push(this.intern(evr));
    this.provStart.push(this.provName.length);
    this.reqStart.push(this.reqName.length);
    return this.name.length - 1;
  }

  build(files: FileOwners): RepoPackages {
    return {
      strings: this.strings,
      ids: this.ids,
      count: this.name.length,
      name: Int32Array.from(this.name),
      arch: Int32Array.from(this.arch),
      evr: Int32Array.from(this.evr),
      provStart: Int32Array.from(this.provStart),
      provName: Int32Array.from(this.provName),
      provFlags: Uint8Array.from(this.provFlags),
      provEvr: Int32Array.from(this.provEvr),
      reqStart: Int32Array.from(this.reqStart),
      reqName: Int32Array.from(this.reqName),
      reqFlags: Uint8Array.from(this.reqFlags),
      reqEvr: Int32Array.from(this.reqEvr),
      files,
    };
  }
}

/** File owners over an in-memory path → packages map. */
export function mapFileOwners(byPath: ReadonlyMap<string, readonly number[]>): FileOwners {
  return {
    owners: (paths) => {
      const out = new Map<string, readonly number[]>();
      for (const path of paths) {
        const owners = byPath.get(path);
        if (owners && owners.length > 0) out.set(path, owners);
      }
      return Promise.resolve(out);
    },
  };
}

/** What a package needs to enter the closure: the shared package model fits. */
export interface ClosurePackageInput {
  readonly name: string;
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
  readonly arch: string;
  readonly requires: readonly DependencyEntry[];
  readonly provides: readonly DependencyEntry[];
  /** Every file, directory and ghost (dnf sees them all through filelists). */
  readonly files: readonly { readonly path: string }[];
}

/** The libsolv EVR string of a package. */
export function packageEvr(pkg: Pick<ClosurePackageInput, 'epoch' | 'version' | 'release'>): string {
  return makeEvr(String(pkg.epoch), pkg.version, pkg.release);
}

/** Builds a repository's closure view from package models (e.g. RpmPackage read from .rpm files). */
export function repoPackagesFromModels(packages: readonly ClosurePackageInput[]): RepoPackages {
  const builder = new RepoPackagesBuilder();
  const byPath = new Map<string, number[]>();
  for (const pkg of packages) {
    for (const dep of pkg.provides) if (dep.name !== '') builder.addProvide(dep);
    for (const dep of pkg.requires) if (dep.name !== '') builder.addRequire(dep);
    const index = builder.endPackage(pkg.name, pkg.arch, packageEvr(pkg));
    for (const file of pkg.files) {
      const list = byPath.get(file.path);
      if (list === undefined) byPath.set(file.path, [index]);
      else if (list[list.length - 1] !== index) list.push(index);
    }
  }
  return builder.build(mapFileOwners(byPath));
}
