import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { unprovidedDependencies, type ClosurePackageInput } from '../closure/index.js';
import { formatDependency, readRpmFile, type Dependency, type RpmPackage } from '../rpm/index.js';

/** What a package offers to BuildRequires: its identity, provides and files (an RpmPackage fits). */
export type ProvidingPackage = ClosurePackageInput;

/**
 * The packages BuildRequires may be satisfied by: the RPMs of the current
 * snapshot (every package's newest good build) and the lookaside
 * repositories. The closure library answers, so a build and the closure
 * check of its snapshot agree on names, versions, files, rich dependencies
 * and arches.
 */
export class ProvidesIndex {
  private readonly packages: ProvidingPackage[];

  constructor(packages: readonly ProvidingPackage[] = []) {
    this.packages = [...packages];
  }

  add(pkg: ProvidingPackage): void {
    this.packages.push(pkg);
  }

  /** The BuildRequires nothing provides, formatted as in the spec (`foo >= 1.0`). */
  async missing(requires: readonly Dependency[]): Promise<string[]> {
    const unprovided = await unprovidedDependencies(this.packages, requires);
    return unprovided.map((dep) => formatDependency(dep));
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
