/**
 * Naming the repositories a closure check reads, with dnf's rules:
 *
 * - `ID,PATH` is dnf's `--repofrompath ID,PATH`: exactly one comma, both
 *   sides non-empty; the id may only hold `A-Z a-z 0-9 _ . : -`
 *   (libdnf Repo::verifyId);
 * - a bare path or URL gets the id dnf's config-manager derives from a
 *   repository URL (sanitize_url_to_fs): `/srv/repos/el9` is
 *   `file:///srv/repos/el9`, whose id is `srv_repos_el9`;
 * - a path without `://` is local (made absolute), `file://` URLs are local
 *   too, `http://` and `https://` are fetched; any other scheme is an error.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { FerryError } from '../errors.js';

/** Where a repository's metadata lives: a local directory holding repodata/, or an http(s) base URL. */
export type RepoLocation =
  { readonly kind: 'local'; readonly path: string } | { readonly kind: 'http'; readonly url: string };

/** A repository to read: its id (as dnf would name it) and where it is. */
export interface RepoSpec {
  readonly id: string;
  readonly location: RepoLocation;
  /** The text the user gave, for messages. */
  readonly source: string;
}

const REPO_ID = /^[A-Za-z0-9_.:-]+$/;

/** Whether libdnf accepts `id` as a repository id. */
export function isValidRepoId(id: string): boolean {
  return REPO_ID.test(id);
}

const RE_SCHEME = /^\w+:\/*(\w+:|www\.)?/;
const RE_SLASH = /[?/:&#|~*[\]()'\\]+/g;
const RE_BEGIN = /^[,.]*/;
const RE_FINAL = /[,.]*$/;
const NOT_ALLOWED = /[^A-Za-z0-9_.:-]/g;

/**
 * The repository id dnf's config-manager gives a repository added by URL.
 *
 * @example
 *   repoIdFromUrl('file:///srv/repos/el9') === 'srv_repos_el9'
 *   repoIdFromUrl('https://mirror.example.org/centos/9/') === 'mirror.example.org_centos_9_'
 */
export function repoIdFromUrl(url: string): string {
  let id = url.replace(RE_SCHEME, '');
  id = id.replace(RE_SLASH, '_').replace(RE_BEGIN, '').replace(RE_FINAL, '');
  if (id.length > 250) {
    const parts = id.slice(0, 185).split('_');
    const last = 185 - parts[parts.length - 1]!.length;
    const digest = createHash('sha256').update(id.slice(last), 'utf8').digest('hex');
    id = `${id.slice(0, last)}_${digest}`;
  }
  return id.replace(NOT_ALLOWED, '');
}

function locationOf(text: string, source: string, cwd: string): RepoLocation {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!scheme) return { kind: 'local', path: resolve(cwd, text) };
  const name = scheme[1]!.toLowerCase();
  if (name === 'file') {
    try {
      return { kind: 'local', path: fileURLToPath(text) };
    } catch (error) {
      throw new FerryError('FERRY_USAGE', `${source}: not a usable file:// URL`, { cause: error });
    }
  }
  if (name === 'http' || name === 'https')
    return { kind: 'http', url: text.endsWith('/') ? text : `${text}/` };
  throw new FerryError(
    'FERRY_USAGE',
    `${source}: unsupported URL scheme "${name}://" (use a path, file://, http:// or https://)`,
  );
}

function urlOf(location: RepoLocation): string {
  return location.kind === 'local' ? pathToFileURL(location.path).href : location.url;
}

/**
 * Reads one repository argument: `ID,PATH_OR_URL` or `PATH_OR_URL`.
 * Throws FERRY_USAGE for a bad id, a bad `ID,PATH` form or an unknown scheme.
 *
 * @example
 *   parseRepoSpec('base,/srv/base').id === 'base'
 *   parseRepoSpec('/srv/repos/el9').id === 'srv_repos_el9'
 *   parseRepoSpec('https://mirror.example.org/el9').id === 'mirror.example.org_el9'
 */
export function parseRepoSpec(text: string, cwd: string = process.cwd()): RepoSpec {
  if (text.trim() === '') throw new FerryError('FERRY_USAGE', 'empty repository argument');
  if (text.includes(',')) {
    const parts = text.split(',');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new FerryError(
        'FERRY_USAGE',
        `bad repository ${JSON.stringify(text)}: expected ID,PATH (one comma, as dnf's --repofrompath)`,
      );
    }
    const [id, where] = parts as [string, string];
    if (!isValidRepoId(id)) {
      throw new FerryError(
        'FERRY_USAGE',
        `bad repository id ${JSON.stringify(id)}: use letters, digits and _ . : - only`,
      );
    }
    return { id, location: locationOf(where, text, cwd), source: text };
  }
  const location = locationOf(text, text, cwd);
  // From the URL as the user wrote it (dnf config-manager's rule), not the slash-terminated one read from.
  const id = repoIdFromUrl(location.kind === 'http' ? text : urlOf(location));
  if (id === '')
    throw new FerryError('FERRY_USAGE', `cannot derive a repository id from ${text}: use ID,PATH`);
  return { id, location, source: text };
}

/** Throws FERRY_USAGE when two repositories share an id. */
export function assertDistinctIds(specs: readonly RepoSpec[]): void {
  const seen = new Map<string, RepoSpec>();
  for (const spec of specs) {
    const other = seen.get(spec.id);
    if (other) {
      throw new FerryError(
        'FERRY_USAGE',
        `two repositories have the id "${spec.id}" (${other.source} and ${spec.source}): name them with ID,PATH`,
      );
    }
    seen.set(spec.id, spec);
  }
}
