/**
 * "Does anything available provide this dependency?": libsolv's whatprovides
 * (src/poolwhatprovides.c pool_addrelproviders) intersected with dnf's
 * available packages, which is exactly the test `dnf repoclosure` makes
 * (`available.filter(provides=dep)` non-empty).
 *
 * - a name is provided by every package with a provide of that name, and a
 *   path also by every package shipping that file;
 * - `name op evr` by a provide of that name that is unversioned (it provides
 *   every version) or whose range overlaps (pool_match_flags_evr);
 * - rich dependencies: `and`, `or` are the union of both sides; `if` and
 *   `unless` the union of the body and the else branch (the condition is
 *   assumed true); a bare `else` provides nothing; `with` is the
 *   intersection, `without` the difference (single packages).
 *
 * Providers count only when usable: installable and available (and not
 * removed, for "what breaks"); extra packages (candidates) can be overlaid.
 */
import type { ClosurePool } from './closure-pool.js';
import { matchFlagsEvr } from './evr-match.js';
import type { Reldep } from './reldep.js';

/** A provide entry of an overlaid package. */
export interface ExtraProvide {
  readonly pkg: number;
  readonly flags: number;
  readonly evr: string;
}

/** Packages overlaid on the pool (ids from pool.count on): candidates of "what breaks". */
export interface Overlay {
  readonly usable: (pkg: number) => boolean;
  readonly provides: ReadonlyMap<string, readonly ExtraProvide[]>;
  readonly fileOwners: ReadonlyMap<string, readonly number[]>;
}

export class Resolver {
  private readonly nameLimit: number;

  constructor(
    private readonly pool: ClosurePool,
    /** Per pool package: 1 when it may satisfy dependencies. */
    private readonly usable: Uint8Array,
    private readonly overlay?: Overlay,
  ) {
    this.nameLimit = pool.byNameStart.length - 1;
  }

  private isUsable(pkg: number): boolean {
    return pkg < this.pool.count ? this.usable[pkg] === 1 : this.overlay!.usable(pkg);
  }

  /** Visits the usable providers of a name or relation until `visit` returns true; returns whether it did. */
  private someProvider(name: string, flags: number, evr: string, visit: (pkg: number) => boolean): boolean {
    const pool = this.pool;
    const id = pool.ids.get(name);
    if (id !== undefined) {
      if (id < this.nameLimit) {
        const end = pool.byNameStart[id + 1]!;
        for (let i = pool.byNameStart[id]!; i < end; i++) {
          const e = pool.byName[i]!;
          const pkg = pool.provPkg[e]!;
          if (this.usable[pkg] !== 1) continue;
          if (flags !== 0) {
            const pflags = pool.provFlags[e]!;
            if (pflags !== 0 && !matchFlagsEvr(pflags, pool.strings[pool.provEvr[e]!]!, flags, evr)) continue;
          }
          if (visit(pkg)) return true;
        }
      }
      const owners = pool.fileOwners.get(id);
      if (owners) for (const pkg of owners) if (this.usable[pkg] === 1 && visit(pkg)) return true;
    }
    const overlay = this.overlay;
    if (overlay) {
      for (const provide of overlay.provides.get(name) ?? []) {
        if (!overlay.usable(provide.pkg)) continue;
        if (flags !== 0 && provide.flags !== 0 && !matchFlagsEvr(provide.flags, provide.evr, flags, evr))
          continue;
        if (visit(provide.pkg)) return true;
      }
      for (const pkg of overlay.fileOwners.get(name) ?? [])
        if (overlay.usable(pkg) && visit(pkg)) return true;
    }
    return false;
  }

  /** Whether some usable package provides `dep`. */
  satisfied(dep: Reldep): boolean {
    switch (dep.type) {
      case 'name':
        return this.someProvider(dep.name, 0, '', () => true);
      case 'rel':
        return this.someProvider(dep.name, dep.flags, dep.evr, () => true);
      case 'bool':
        switch (dep.op) {
          case 'and':
          case 'or':
            return this.satisfied(dep.left) || this.satisfied(dep.right);
          case 'if':
          case 'unless':
            return (
              this.satisfied(dep.left) ||
              (dep.right.type === 'bool' && dep.right.op === 'else' && this.satisfied(dep.right.right))
            );
          case 'else':
            return false;
          case 'with':
          case 'without':
            return this.providers(dep).size > 0;
        }
    }
  }

  /** The usable packages providing `dep` (libsolv's whatprovides of it). */
  providers(dep: Reldep): Set<number> {
    switch (dep.type) {
      case 'name':
      case 'rel': {
        const out = new Set<number>();
        this.someProvider(
          dep.name,
          dep.type === 'rel' ? dep.flags : 0,
          dep.type === 'rel' ? dep.evr : '',
          (pkg) => {
            out.add(pkg);
            return false;
          },
        );
        return out;
      }
      case 'bool':
        switch (dep.op) {
          case 'and':
          case 'or': {
            const out = this.providers(dep.left);
            for (const pkg of this.providers(dep.right)) out.add(pkg);
            return out;
          }
          case 'if':
          case 'unless': {
            const out = this.providers(dep.left);
            if (dep.right.type === 'bool' && dep.right.op === 'else') {
              for (const pkg of this.providers(dep.right.right)) out.add(pkg);
            }
            return out;
          }
          case 'else':
            return new Set();
          case 'with': {
            const right = this.providers(dep.right);
            return new Set([...this.providers(dep.left)].filter((pkg) => right.has(pkg)));
          }
          case 'without': {
            const right = this.providers(dep.right);
            return new Set([...this.providers(dep.left)].filter((pkg) => !right.has(pkg)));
          }
        }
    }
  }

  /** Whether `pkg` could be used by a dependency (for callers that iterate providers themselves). */
  usablePackage(pkg: number): boolean {
    return this.isUsable(pkg);
  }
}
