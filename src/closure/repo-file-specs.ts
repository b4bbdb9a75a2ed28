/**
 * The repositories a `.repo` file names (dnf's INI format: one `[id]`
 * section per repository), as closure inputs. What is read of a section:
 *
 * - `enabled`: sections with `enabled=0` (or no/false/off) are skipped, as
 *   dnf skips them; a file with no enabled section is an error;
 * - `baseurl`: the first URL of the list (dnf tries the others only when the
 *   first fails); `$basearch`, `$arch` and `DNF_VAR_*` / `DNF0`-`DNF9`
 *   environment variables are substituted as dnf does, any other variable
 *   (`$releasever`...) is an error naming it;
 * - a URL under a local mirror's base URL (a workspace's `baseurl`) is read
 *   from the mirror's directory, `file://` URLs and absolute paths from disk,
 *   other http(s) URLs over HTTP(S);
 * - `exclude`, `excludepkgs` and `includepkgs` would change which packages
 *   dnf sees: a section using them is refused; `metalink` and `mirrorlist`
 *   are not read (a section needs a `baseurl`). Every other option (name,
 *   gpgcheck, priority, cost, proxy, ...) plays no part in a closure check.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { FerryError } from '../errors.js';
import type { ParsedRepoSection } from '../repo/repo-file.js';
import { baseArch } from '../rpm/arch.js';
import type { RepoLocation, RepoSpec } from './repo-spec.js';

/** A base URL whose content is a local directory: a workspace's `baseurl` and its `repos/`. */
export interface LocalMirror {
  readonly baseurl: string;
  readonly dir: string;
}

export interface RepoFileContext {
  /** Path or URL of the file, for messages. */
  readonly file: string;
  /** System architecture, for `$arch` and `$basearch`. */
  readonly arch: string;
  /** Where `DNF_VAR_*` and `DNF0`-`DNF9` variables come from. */
  readonly env?: NodeJS.ProcessEnv;
  readonly mirrors?: readonly LocalMirror[];
}

const FALSE = new Set(['0', 'no', 'false', 'off']);
const TRUE = new Set(['1', 'yes', 'true', 'on']);
const PACKAGE_FILTERS = ['exclude', 'excludepkgs', 'includepkgs'];

function problem(context: RepoFileContext, id: string, message: string): FerryError {
  return new FerryError('FERRY_USAGE', `[${id}] ${message}`, { file: context.file });
}

function isEnabled(section: ParsedRepoSection, context: RepoFileContext): boolean {
  const value = section.options.enabled?.trim().toLowerCase();
  if (value === undefined || TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw problem(context, section.id, `enabled: not a boolean: ${JSON.stringify(section.options.enabled)}`);
}

/** dnf's variable substitution for a value (`$name` and `${name}`). */
function substitute(text: string, id: string, context: RepoFileContext): string {
  const env = context.env ?? process.env;
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    if (name === 'arch') return context.arch;
    if (name === 'basearch') return baseArch(context.arch);
    const value = /^DNF\d$/.test(name) ? env[name] : env[`DNF_VAR_${name}`];
    if (value !== undefined) return value;
    throw problem(
      context,
      id,
      `baseurl: unknown variable ${whole}: ferry substitutes $arch and $basearch; set DNF_VAR_${name} for others`,
    );
  });
}

/** Where a base URL is read from: a mirror's directory, the disk, or HTTP(S). */
export function locateBaseurl(url: string, mirrors: readonly LocalMirror[]): RepoLocation | undefined {
  for (const mirror of mirrors) {
    const path = underMirror(url, mirror);
    if (path !== undefined) return { kind: 'local', path };
  }
  if (isAbsolute(url)) return { kind: 'local', path: resolve(url) };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    try {
      return { kind: 'local', path: fileURLToPath(url) };
    } catch {
      return undefined;
    }
  }
  if (scheme === 'http' || scheme === 'https')
    return { kind: 'http', url: url.endsWith('/') ? url : `${url}/` };
  return undefined;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The directory `url` names under `mirror`, or undefined when it is not below the mirror's base URL. */
function underMirror(url: string, mirror: LocalMirror): string | undefined {
  const target = parseUrl(url);
  const base = parseUrl(mirror.baseurl);
  if (!target || !base || target.search !== '' || target.hash !== '') return undefined;
  if (target.protocol !== base.protocol || target.host !== base.host) return undefined;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (target.pathname !== prefix && !target.pathname.startsWith(`${prefix}/`)) return undefined;
  let segments: string[];
  try {
    segments = target.pathname
      .slice(prefix.length)
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  const root = resolve(mirror.dir);
  const path = resolve(root, ...segments);
  const inside = relative(root, path);
  // An encoded slash or dot-dot must not lead out of the mirror's directory.
  if (
    segments.some((s) => s.includes('/') || s.includes(sep)) ||
    inside === '..' ||
    inside.startsWith(`..${sep}`) ||
    isAbsolute(inside)
  )
    return undefined;
  return inside === '' ? root : join(root, inside);
}

/**
 * The repositories of a parsed `.repo` file, one per enabled section, each
 * named by its section id.
 *
 * @example
 *   repoFileSpecs(parseRepoFile(text, 'repos/current/delorean.repo'), {
 *     file: 'repos/current/delorean.repo', arch: 'x86_64',
 *     mirrors: [{ baseurl: 'http://localhost:8080/repos', dir: '/srv/ferry/repos' }],
 *   }) // [{ id: 'delorean-component-base', location: { kind: 'local', path: '/srv/ferry/repos/component/base/...' }, ... }]
 */
export function repoFileSpecs(sections: readonly ParsedRepoSection[], context: RepoFileContext): RepoSpec[] {
  const specs: RepoSpec[] = [];
  for (const section of sections) {
    if (!isEnabled(section, context)) continue;
    for (const option of PACKAGE_FILTERS) {
      if ((section.options[option] ?? '').trim() !== '')
        throw problem(
          context,
          section.id,
          `${option}: package filters are not supported; remove it to check the whole repository`,
        );
    }
    const raw = section.options.baseurl ?? '';
    const first = raw.split(/[\s,]+/).find((url) => url !== '');
    if (first === undefined) {
      const other = ['metalink', 'mirrorlist'].find((option) => section.options[option] !== undefined);
      throw problem(
        context,
        section.id,
        other ? `${other} is not read: give the repository a baseurl` : 'no baseurl',
      );
    }
    const url = substitute(first, section.id, context);
    const location = locateBaseurl(url, context.mirrors ?? []);
    if (!location)
      throw problem(
        context,
        section.id,
        `baseurl ${url}: use an absolute path, a file://, http:// or https:// URL`,
      );
    specs.push({ id: section.id, location, source: `${context.file} [${section.id}]` });
  }
  if (specs.length === 0) {
    throw new FerryError(
      'FERRY_USAGE',
      'no enabled repository (every section has enabled=0, or there is none)',
      {
        file: context.file,
      },
    );
  }
  return specs;
}
