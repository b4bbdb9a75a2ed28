/**
 * What a package field may hold: the URL and string fields, the fields
 * rdoinfo, distroinfo and DLRN know, and the URL and e-mail forms accepted.
 */

/** Fields holding a repository URL (null accepted). */
export const URL_FIELDS = [
  'upstream',
  'distgit',
  'master-distgit',
  'patches',
  'review-patches',
  'review-origin',
  'centos-distgit',
] as const;

/** Fields that hold one string when set (null means unset). */
export const STRING_FIELDS = [
  'name',
  'project',
  'conf',
  'distgit',
  'master-distgit',
  'patches',
  'review-patches',
  'review-origin',
  'centos-distgit',
  'component',
  'source-branch',
  'distro-branch',
  'distgit-path',
] as const;

/** Package fields rdoinfo, distroinfo and DLRN give a meaning to. */
export const KNOWN_PACKAGE_FIELDS: ReadonlySet<string> = new Set([
  ...STRING_FIELDS,
  'upstream',
  'maintainers',
  'tags',
  'buildsys-tags',
  'build-tags-only',
]);

const URL_SCHEMES = new Set(['http', 'https', 'ssh', 'git', 'git+ssh', 'ssh+git', 'ftp', 'rsync', 'file']);
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+$/;
const WHITESPACE = /\s/;
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * http(s), ssh, git, ftp, rsync or file URLs with a host (`file:///path`
 * too), or scp-like `user@host:path`; no whitespace. Checked by hand: a
 * catalog has thousands of URLs.
 */
export function isValidUrl(value: string): boolean {
  if (WHITESPACE.test(value)) return false;
  const separator = value.indexOf('://');
  if (separator < 0) return SCP_LIKE.test(value);
  if (!URL_SCHEMES.has(value.slice(0, separator))) return false;
  const host = value.slice(separator + 3).split(/[/?#]/, 1)[0]!;
  return host !== '' || (value.startsWith('file:///') && value.length > 'file:///'.length);
}

export function isValidEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}

/** A misspelling of a known field: `source_branch` for `source-branch`. */
export function misspeltField(key: string): string | undefined {
  if (KNOWN_PACKAGE_FIELDS.has(key)) return undefined;
  const normal = key.toLowerCase().replace(/_/g, '-');
  return KNOWN_PACKAGE_FIELDS.has(normal) ? normal : undefined;
}
