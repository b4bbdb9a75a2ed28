/**
 * "Does anything available provide this dependency?": libsolv's whatprovides
 * (src/poolwhatprovides.c pool_addrelproviders) intersected with dnf's
 * available packages, which is exactly the test `dnf repoclosure` makes
 * (`available.filter(provides=dep)` non-empty).
 *
 * - a name is provided by every package with a provide of that name (every
 *   binary package provides `name = evr` of itself), and a path also by
 *   every package shipping that file;
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
import { REL_EQ, type Reldep } from './reldep.js';

/** A provide entry of an overlaid package. */
export interface ExtraProvide {
  readonly pkg: number;
  readonly flags: number;
  readonly evr: string;
}

/** Packages overlaid on the pool (ids from pool.count on): candidates of "what breaks". */
export interface Overlay {
  readonly usable: (pkg: number) => boolean;
  /** Provides by name, the self-provide included. */
  readonly provides: ReadonlyMap<string, readonly ExtraProvide[]>;
  readonly fileOwners: ReadonlyMap<string, readonly number[]>;
}

type Visit = (pkg: number) => boolean;

const ANY: Visit = () => true;

export class Resolver {
  constructor(
    private readonly pool: ClosurePool,
    /** Per pool package: 1 when it may satisfy dependencies. */
    private readonly usable: Uint8Array,
    private readonly overlay?: Overlay,
  ) {}

  /**
   * Visits the usable providers of a name (`flags` 0) or a relation until
   * `visit` returns true; returns whether it did. `id` is the name's string
   * id in the pool, or -1 when the pool does not know the name.
   */
  private someProvider(id: number, name: string, flags: number, evr: string, visit: Visit): boolean {
    const pool = this.pool;
    const usable = this.usable;
    if (id >= 0) {
      const end = pool.byNameStart[id + 1]!;
      for (let i = pool.byNameStart[id]!; i < end; i++) {
        const e = pool.byName[i]!;
        const pkg = pool.provPkg[e]!;
        if (usable[pkg] !== 1) continue;
        if (flags !== 0) {
          const pflags = pool.provFlags[e]!;
          if (pflags !== 0 && !matchFlagsEvr(pflags, pool.strings[pool.provEvr[e]!]!, flags, evr)) continue;
        }
        if (visit(pkg)) return true;
      }
      const selfEnd = pool.selfStart[id + 1]!;
      for (let i = pool.selfStart[id]!; i < selfEnd; i++) {
        const pkg = pool.selfPkg[i]!;
        if (usable[pkg] !== 1) continue;
        if (flags !== 0 && !matchFlagsEvr(REL_EQ, pool.strings[pool.evr[pkg]!]!, flags, evr)) continue;
        if (visit(pkg)) return true;
      }
    }
    if (name.charCodeAt(0) === 0x2f /* / */) {
      const owners = pool.fileOwners.get(name);
      // File provides are unversioned: they satisfy any version asked of the path.
      if (owners) for (const pkg of owners) if (usable[pkg] === 1 && visit(pkg)) return true;
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

  /** Whether require entry `e` of the pool (a plain or versioned one, not rich) is satisfied. */
  satisfiedEntry(e: number): boolean {
    const pool = this.pool;
    const id = pool.reqName[e]!;
    const flags = pool.reqFlags[e]!;
    const evr = pool.reqEvr[e]!;
    return this.someProvider(
      id,
      pool.strings[id]!,
      flags,
      flags === 0 || evr < 0 ? '' : pool.strings[evr]!,
      ANY,
    );
  }

  private atom(name: string, flags: number, evr: string, visit: Visit): boolean {
    return this.someProvider(this.pool.providedNameId(name) ?? -1, name, flags, evr, visit);
  }

  /** Whether some usable package provides `dep`. */
  satisfied(dep: Reldep): boolean {
    switch (dep.type) {
      case 'name':
        return this.atom(dep.name, 0, '', ANY);
      case 'rel':
        return this.atom(dep.name, dep.flags, dep.evr, ANY);
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
        this.atom(dep.name, dep.type === 'rel' ? dep.flags : 0, dep.type === 'rel' ? dep.evr : '', (pkg) => {
          out.add(pkg);
          return false;
        });
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
}
