/**
 * In-memory pools for the closure's unit tests: packages written as short
 * literals (`pkg('foo-1.0-1.noarch', { requires: ['bar >= 2'] })`), parsed
 * with the rpm module's dependency parser into the shared package model.
 */
import { ClosurePool } from '../../src/closure/closure-pool.js';
import { repoPackagesFromModels, type ClosurePackageInput } from '../../src/closure/repo-packages.js';
import { parseDependency, parseNevra } from '../../src/rpm/index.js';

export interface PkgFields {
  readonly requires?: readonly string[];
  readonly provides?: readonly string[];
  readonly files?: readonly string[];
}

/** A package from `name-[epoch:]version-release.arch` and dependency strings. */
export function pkg(nevra: string, fields: PkgFields = {}): ClosurePackageInput {
  const n = parseNevra(nevra);
  return {
    name: n.name,
    epoch: n.epoch,
    version: n.version,
    release: n.release,
    arch: n.arch,
    requires: (fields.requires ?? []).map((text) => parseDependency(text)),
    provides: (fields.provides ?? []).map((text) => parseDependency(text)),
    files: (fields.files ?? []).map((path) => ({ path })),
  };
}

/** A pool of repositories given as id -> packages, for a system of `systemArch`. */
export function poolOf(
  repos: Readonly<Record<string, readonly ClosurePackageInput[]>>,
  systemArch = 'x86_64',
): ClosurePool {
  return new ClosurePool(
    Object.entries(repos).map(([id, packages]) => ({ id, packages: repoPackagesFromModels(packages) })),
    { systemArch },
  );
}
