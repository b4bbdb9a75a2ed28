/**
 * dnf's package specs (hawkey Subject.get_best_query with NEVRA forms only,
 * as repoclosure's `--pkg` uses it; libdnf nevra.cpp and
 * Query::filterSubject): the spec is read, in this order, as
 * NAME-[EPOCH:]VERSION-RELEASE.ARCH, NAME.ARCH, NAME, NAME-[EPOCH:]VERSION-RELEASE,
 * NAME-[EPOCH:]VERSION; the first reading that matches any package wins;
 * failing all, the spec is matched against whole `name-[epoch:]version-release.arch`
 * strings. Each part may be a glob (`*`, `?`, `[...]`, fnmatch without flags).
 */
import type { ClosurePool } from './closure-pool.js';

const NAME = '([^:(/=<> ]+)';
const EPOCH = '(([0-9]+):)?';
const VERSION = '([^-:(/=<> ]+)';
const ARCH = '([^-:.(/=<> ]+)';

/** Forms in the order dnf tries them: NEVRA, NA, NAME, NEVR, NEV. */
const FORMS: readonly RegExp[] = [
  new RegExp(`^${NAME}-${EPOCH}${VERSION}-${VERSION}\\.${ARCH}$`),
  new RegExp(`^${NAME}()()()()\\.${ARCH}$`),
  new RegExp(`^${NAME}()()()()()$`),
  new RegExp(`^${NAME}-${EPOCH}${VERSION}-${VERSION}()$`),
  new RegExp(`^${NAME}-${EPOCH}${VERSION}()()$`),
];

interface SpecParts {
  readonly name: string;
  readonly epoch?: number;
  readonly version: string;
  readonly release: string;
  readonly arch: string;
}

function isGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

/** fnmatch(pattern, text, 0) as a regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${out}$`, 's');
}

/** libdnf's HY_GLOB: fnmatch for patterns with glob characters, equality otherwise. */
function matcher(pattern: string): (text: string) => boolean {
  if (!isGlob(pattern)) return (text) => text === pattern;
  const re = globToRegExp(pattern);
  return (text) => re.test(text);
}

function parseForm(spec: string, form: RegExp): SpecParts | undefined {
  const m = form.exec(spec);
  if (!m || !m[1]) return undefined;
  return {
    name: m[1],
    ...(m[3] ? { epoch: Number.parseInt(m[3], 10) } : {}),
    version: m[4] ?? '',
    release: m[5] ?? '',
    arch: m[6] ?? '',
  };
}

/** Epoch, version and release of a libsolv EVR string. */
export function splitEvr(evr: string): { epoch: number; version: string; release: string } {
  const colon = /^(\d+):/.exec(evr);
  const rest = colon ? evr.slice(colon[0].length) : evr;
  const dash = rest.lastIndexOf('-');
  return {
    epoch: colon ? Number.parseInt(colon[1]!, 10) : 0,
    version: dash < 0 ? rest : rest.slice(0, dash),
    release: dash < 0 ? '' : rest.slice(dash + 1),
  };
}

function filterByParts(pool: ClosurePool, parts: SpecParts): number[] {
  const tests: ((id: number) => boolean)[] = [];
  const field = (value: string, get: (id: number) => string): void => {
    if (value === '' || value === '*') return;
    const test = matcher(value);
    tests.push((id) => test(get(id)));
  };
  field(parts.name, (id) => pool.strings[pool.name[id]!]!);
  if (parts.epoch !== undefined) {
    const epoch = parts.epoch;
    tests.push((id) => splitEvr(pool.strings[pool.evr[id]!]!).epoch === epoch);
  }
  field(parts.version, (id) => splitEvr(pool.strings[pool.evr[id]!]!).version);
  field(parts.release, (id) => splitEvr(pool.strings[pool.evr[id]!]!).release);
  field(parts.arch, (id) => pool.strings[pool.arch[id]!]!);
  const out: number[] = [];
  for (let id = 0; id < pool.count; id++) if (tests.every((test) => test(id))) out.push(id);
  return out;
}

/**
 * Pool ids of the packages a dnf package spec names (over the whole pool,
 * as dnf queries the whole sack before narrowing to what is checked).
 *
 * @example
 *   matchPackageSpec(pool, 'foo')          // every foo
 *   matchPackageSpec(pool, 'foo.x86_64')   // foo of arch x86_64
 *   matchPackageSpec(pool, 'foo-1.0-1')    // foo at 1.0-1, any epoch and arch
 */
export function matchPackageSpec(pool: ClosurePool, spec: string): number[] {
  for (const form of FORMS) {
    const parts = parseForm(spec, form);
    if (!parts) continue;
    const found = filterByParts(pool, parts);
    if (found.length > 0) return found;
  }
  const whole = matcher(spec);
  const out: number[] = [];
  for (let id = 0; id < pool.count; id++) {
    const evr = splitEvr(pool.strings[pool.evr[id]!]!);
    const name = pool.strings[pool.name[id]!]!;
    const arch = pool.strings[pool.arch[id]!]!;
    if (whole(pool.nevra(id)) || whole(`${name}-${evr.epoch}:${evr.version}-${evr.release}.${arch}`))
      out.push(id);
  }
  return out;
}
