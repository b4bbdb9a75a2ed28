import { FerryError } from '../errors.js';
import { shortHash } from '../vcs/index.js';

/**
 * DLRN's version and release rules (scripts/common-functions:
 * setversionandrelease, set_nvr_in_spec), as pure functions.
 */

export const RELEASE_NUMBERINGS = ['0.date.hash', '0.1.date.hash', 'minor.date.hash'] as const;
/** DLRN's `release_numbering` option; `0.date.hash` is the default. */
export type ReleaseNumbering = (typeof RELEASE_NUMBERINGS)[number];

export function isReleaseNumbering(value: string): value is ReleaseNumbering {
  return (RELEASE_NUMBERINGS as readonly string[]).includes(value);
}

/** `YYYYMMDDHHMMSS` of an instant in UTC (DLRN's RELEASE_DATE, from the build start). */
export function releaseTimestamp(buildStart: Date): string {
  if (Number.isNaN(buildStart.getTime())) throw new FerryError('FERRY_USAGE', 'invalid build start time');
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    pad(buildStart.getUTCFullYear(), 4) +
    pad(buildStart.getUTCMonth() + 1) +
    pad(buildStart.getUTCDate()) +
    pad(buildStart.getUTCHours()) +
    pad(buildStart.getUTCMinutes()) +
    pad(buildStart.getUTCSeconds())
  );
}

/**
 * The Release of a trunk build: `0.<UTC YYYYMMDDHHMMSS of the build start>.<7-char hash>`
 * by default, or DLRN's alternative numberings.
 *
 * @example
 *   dlrnRelease(new Date('2024-03-05T07:08:09Z'), 'd7f1b849...') // '0.20240305070809.d7f1b84'
 */
export function dlrnRelease(
  buildStart: Date,
  commitHash: string,
  options: { readonly numbering?: ReleaseNumbering; readonly minor?: string } = {},
): string {
  const stamp = releaseTimestamp(buildStart);
  const hash = shortHash(commitHash);
  switch (options.numbering ?? '0.date.hash') {
    case '0.1.date.hash':
      return `0.1.${stamp}.${hash}`;
    case 'minor.date.hash': {
      const minor = options.minor ?? '';
      if (!/^[0-9][0-9.]*$/.test(minor)) {
        throw new FerryError(
          'FERRY_USAGE',
          `release numbering minor.date.hash needs a numeric minor, got ${JSON.stringify(minor)}`,
        );
      }
      return `${minor}.${stamp}.${hash}`;
    }
    default:
      return `0.${stamp}.${hash}`;
  }
}

export const VERSION_STRIP_RULES = [
  'version-release',
  'rc',
  'beta',
  'alpha',
  'dev',
  'git-hash',
  'pre',
  'plain',
  'fallback',
] as const;
/** Which of DLRN's rules turned an upstream version into the package Version. */
export type VersionStripRule = (typeof VERSION_STRIP_RULES)[number];

export interface StrippedVersion {
  /** The RPM Version: pre-release and development suffixes removed. */
  readonly version: string;
  readonly rule: VersionStripRule;
}

/**
 * Ordered as in DLRN; the first match wins. bash's `=~` is POSIX ERE, where
 * `(.*?)` is greedy like `(.*)`: the kept part runs to the last separator.
 */
const STRIP_RULES: readonly (readonly [VersionStripRule, RegExp])[] = [
  ['version-release', /([^-]*)-(.+)/], // 1.0.0-d7f1b849, 1.0.0-rc1
  ['rc', /(.*)\.(0rc.+)/], // 7.0.0.0rc2.dev1
  ['beta', /(.*)\.(0b.+)/], // 2.0.0.0b4.dev15
  ['alpha', /(.*)\.(0a.+)/], // 7.0.0.0a1.dev1
  ['dev', /(.*)\.(dev.+)/], // 2014.2.dev50.g99bef1f, 2.0.1.dev17
  ['git-hash', /(.*)\.(g.+)/], // 0.10.1.11.ga5f0e3c
  ['pre', /(.*)\.pre.*/], // 1.8.0.pre
  ['plain', /^([.0-9]*)$/], // 1.7.3
];

/**
 * DLRN's reduction of an upstream version to an RPM Version:
 * `1.0.0.0rc2.dev128` → `1.0.0`, `2.0.1.dev17` → `2.0.1`, `1.0.0-rc1` → `1.0.0`,
 * and anything it cannot parse (`eb6dbe2`, `1.2.3.post4`) → `0.0.1`. Like
 * DLRN's set_nvr_in_spec, a `-` left in the result becomes `.`.
 */
export function stripUpstreamVersion(upstreamVersion: string): StrippedVersion {
  for (const [rule, pattern] of STRIP_RULES) {
    const match = pattern.exec(upstreamVersion);
    if (match !== null) return { version: (match[1] ?? '').replace('-', '.'), rule };
  }
  return { version: '0.0.1', rule: 'fallback' };
}

/**
 * DLRN's post-tag bump for `git describe` versions: the last dot-separated
 * field + 1, read as awk reads a number (its leading digits, 0 when none):
 * `1.2.3` → `1.2.4`, `2.0` → `2.1`, `1.0.0rc1` → `1.0.1`.
 */
export function incrementLastComponent(version: string): string {
  const parts = version.split('.');
  const last = parts.pop() ?? '';
  const numeric = /^\s*[+-]?\d+/.exec(last)?.[0] ?? '0';
  return [...parts, String(Number(numeric) + 1)].join('.');
}
