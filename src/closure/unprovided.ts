import { ClosurePool, machineArch } from './closure-pool.js';
import { flagsFromAttribute, makeEvr, reldepFromEntry, reldepNames } from './reldep.js';
import { repoPackagesFromModels, type ClosurePackageInput, type DependencyEntry } from './repo-packages.js';
import { Resolver } from './resolver.js';

export interface UnprovidedOptions {
  /** Architecture whose compatible packages may provide (default: this machine's). */
  readonly systemArch?: string;
}

/**
 * The dependencies (e.g. a spec's BuildRequires) that nothing among
 * `packages` provides, by the same rules as the closure check: provides and
 * their version ranges, file paths, rich dependencies, arch compatibility.
 * A rich dependency libsolv cannot parse counts as unprovided.
 */
export async function unprovidedDependencies<D extends DependencyEntry>(
  packages: readonly ClosurePackageInput[],
  deps: readonly D[],
  options: UnprovidedOptions = {},
): Promise<D[]> {
  if (deps.length === 0) return [];
  // rpmlib() and solvable: names are rpm's and libsolv's own, never provided by a package (dnf skips them too).
  deps = deps.filter((dep) => !dep.name.startsWith('rpmlib(') && !dep.name.startsWith('solvable:'));
  const pool = new ClosurePool([{ id: 'available', packages: repoPackagesFromModels(packages) }], {
    systemArch: options.systemArch ?? machineArch(),
  });
  const reldeps = deps.map((dep) => {
    const flags = dep.flags ? flagsFromAttribute(dep.flags) : 0;
    return reldepFromEntry(dep.name, flags, flags ? makeEvr(dep.epoch, dep.version, dep.release) : undefined);
  });
  const paths = reldeps.flatMap((dep) =>
    dep ? reldepNames(dep).filter((name) => name.startsWith('/')) : [],
  );
  await pool.loadFileOwners(paths);
  const resolver = new Resolver(pool, pool.installable);
  return deps.filter((_, i) => {
    const dep = reldeps[i];
    return dep === undefined || !resolver.satisfied(dep);
  });
}
