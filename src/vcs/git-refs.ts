import { FerryError } from '../errors.js';

/** A full object name: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
const COMMIT_HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function isCommitHash(value: string): boolean {
  return COMMIT_HASH.test(value);
}

/**
 * Throws FERRY_VCS_FAILED unless `value` is a full lowercase commit hash. Every
 * hash that reaches a git command line goes through here first, so a value
 * from a database row or an API call can never become an option or a revision
 * expression (`--upload-pack=...`, `HEAD~3`, `a..b`).
 */
export function assertCommitHash(value: string, what = 'commit hash'): string {
  if (!isCommitHash(value)) {
    throw new FerryError(
      'FERRY_VCS_FAILED',
      `invalid ${what} ${JSON.stringify(value)}: expected 40 or 64 lowercase hex digits`,
    );
  }
  return value;
}

/**
 * Whether `name` is a branch or tag name git accepts (the rules of
 * `git check-ref-format`), and one that cannot be read as an option or a
 * revision expression: no leading `-`, no `..`, `~`, `^`, `:`, `@{`.
 */
export function isRefName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) return false;
  if (name === '@' || name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if (name.endsWith('.') || name.endsWith('.lock')) return false;
  // Control characters, space, and the characters git reserves for revision syntax.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}

/** Throws FERRY_VCS_FAILED unless `name` is a safe branch or tag name (see isRefName). */
export function assertRefName(name: string, what = 'git ref'): string {
  if (!isRefName(name)) {
    throw new FerryError(
      'FERRY_VCS_FAILED',
      `invalid ${what} ${JSON.stringify(name)}: not a valid branch or tag name`,
    );
  }
  return name;
}

/** The 7-character abbreviation DLRN puts in releases and paths (`git log --abbrev=7 --format=%h`). */
export function shortHash(hash: string): string {
  return assertCommitHash(hash).slice(0, 7);
}

/** Transports ferry lets git use; also passed to git as GIT_ALLOW_PROTOCOL. */
export const ALLOWED_GIT_PROTOCOLS = ['file', 'git', 'http', 'https', 'ssh'] as const;

/**
 * Throws FERRY_VCS_FAILED unless `url` can be handed to `git clone`/`git fetch`
 * as a remote: it must not look like an option, and it must be a path or use a
 * transport ferry allows (file://, git://, http(s)://, ssh://, scp-like
 * `user@host:path`). Remote helpers (`ext::cmd`, `fd::`) are refused.
 */
export function assertRemoteUrl(url: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1];
  const ok =
    url.length > 0 &&
    !url.startsWith('-') &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(url) &&
    !/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url) &&
    (scheme === undefined ||
      (ALLOWED_GIT_PROTOCOLS as readonly string[]).includes(scheme.toLowerCase()) ||
      scheme.toLowerCase() === 'git+ssh');
  if (!ok) {
    throw new FerryError(
      'FERRY_VCS_FAILED',
      `invalid git remote ${JSON.stringify(url)}: use a path, file://, git://, http(s):// or ssh:// URL`,
    );
  }
  return url;
}
