import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import {
  evaluateRich,
  formatDependency,
  isRichDependency,
  parseRichDependency,
  rangesOverlap,
  readRpmFile,
  type Dependency,
  type RpmPackage,
} from '../rpm/index.js';

/** What a package offers to BuildRequires: its provides and its files. */
export interface ProvidingPackage {
  readonly name: string;
  readonly provides: readonly Dependency[];
  readonly files: readonly { readonly path: string }[];
}

/**
 * The packages BuildRequires may be satisfied by: the RPMs of the current
 * snapshot (every package's newest good build) and the lookaside
 * repositories. A narrow stand-in for the closure library's provides index,
 * with the same rules for names, versions, files and rich dependencies.
 */
export class ProvidesIndex {
  private readonly byName = new Map<string, { pkg: ProvidingPackage; provide: Dependency }[]>();
  private readonly files = new Map<string, ProvidingPackage[]>();

  constructor(packages: readonly ProvidingPackage[] = []) {
    for (const pkg of packages) this.add(pkg);
  }

  add(pkg: ProvidingPackage): void {
    for (const provide of pkg.provides) {
      const list = this.byName.get(provide.name) ?? [];
      list.push({ pkg, provide });
      this.byName.set(provide.name, list);
    }
    for (const file of pkg.files) {
      const list = this.files.get(file.path) ?? [];
      list.push(pkg);
      this.files.set(file.path, list);
    }
  }

  /** The packages that satisfy one plain (non-rich) dependency. */
  providersOf(dep: Dependency): ProvidingPackage[] {
    const found = new Set<ProvidingPackage>();
    for (const { pkg, provide } of this.byName.get(dep.name) ?? []) {
      if (dep.flags === undefined || rangesOverlap(provide, dep)) found.add(pkg);
    }
    if (dep.name.startsWith('/') && dep.flags === undefined) {
      for (const pkg of this.files.get(dep.name) ?? []) found.add(pkg);
    }
    return [...found];
  }

  /** Whether a dependency (plain or rich) is satisfied, as rpm evaluates it. */
  satisfies(dep: Dependency): boolean {
    if (isRichDependency(dep.name)) {
      return evaluateRich(parseRichDependency(dep.name), (atom) => this.providersOf(atom.dependency));
    }
    return this.providersOf(dep).length > 0;
  }

  /** The BuildRequires nothing provides, formatted as in the spec (`foo >= 1.0`). */
  missing(requires: readonly Dependency[]): string[] {
    return requires.filter((dep) => !this.satisfies(dep)).map((dep) => formatDependency(dep));
  }
}

/** Reads RPM headers, each file once per process (snapshot RPMs never change). */
export class RpmHeaderCache {
  private readonly cache = new Map<string, Promise<RpmPackage>>();

  read(path: string): Promise<RpmPackage> {
    const cached = this.cache.get(path);
    if (cached) return cached;
    const pkg = readRpmFile(path);
    this.cache.set(path, pkg);
    pkg.catch(() => this.cache.delete(path));
    return pkg;
  }
}

/** The binary packages of a lookaside directory (its *.rpm files). */
export async function lookasidePackages(dir: string, cache: RpmHeaderCache): Promise<RpmPackage[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const rpms = entries.filter((f) => f.endsWith('.rpm') && !f.endsWith('.src.rpm')).sort();
  return Promise.all(rpms.map((f) => cache.read(join(dir, f))));
}
