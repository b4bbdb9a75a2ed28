import { FerryError } from '../errors.js';

/**
 * pbr's SemanticVersion (pbr/version.py): the "Linux/Python compatible
 * semantic versioning" pbr derives from git tags. Parsing accepts what pbr's
 * `from_pip_string` accepts (`1.2.3`, `v1.2`, `1.2.3.0rc1`, `1.2.0a1`,
 * `1.2.3.dev4`, legacy `0.10.1.3.g83bef74`, `1.2.3.post4`), rendering is
 * pbr's `release_string()` (`1.2.4.dev3`, `1.2.3.0rc2.dev1`).
 */
export interface SemanticVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** `a`, `b` or `rc` (pbr keeps any alphabetic word it parsed). */
  readonly prereleaseType?: string;
  readonly prerelease?: number;
  /** Commits since the last release; 0 for a release. */
  readonly devCount: number;
}

function invalid(text: string): FerryError {
  return new FerryError('FERRY_USAGE', `invalid pbr version ${JSON.stringify(text)}`);
}

const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);

/** Python's int() on the strings pbr feeds it (sign and surrounding blanks allowed). */
function pyInt(s: string, text: string): number {
  if (!/^\s*[+-]?[0-9]+\s*$/.test(s)) throw invalid(text);
  return Number.parseInt(s, 10);
}

export function semver(
  major: number,
  minor = 0,
  patch = 0,
  prereleaseType?: string,
  prerelease?: number,
  devCount = 0,
): SemanticVersion {
  const pre = prereleaseType ? { prereleaseType, prerelease: prerelease ?? 0 } : {};
  return { major, minor, patch, ...pre, devCount };
}

/**
 * Parses a version as pbr's `SemanticVersion.from_pip_string` does; throws
 * FERRY_USAGE where pbr raises ValueError (git tags that are not versions).
 */
export function parsePbrVersion(text: string): SemanticVersion {
  const versionString = text.replace(/^[vV]+/, '');
  if (!/^[0-9]/.test(versionString)) throw invalid(text);
  const input: string[] = versionString.split('.');
  const components: string[] = input.filter(isDigits);
  let digitLen = components.length;
  if (digitLen === 0) throw invalid(text);
  if (digitLen < 3) {
    const mixed = input[digitLen];
    if (digitLen < input.length && mixed !== undefined && /^[0-9]/.test(mixed)) {
      // X.YaZ: Y is a number, not the start of a pre-release.
      const lead = /^[0-9]*/.exec(mixed)?.[0] ?? '';
      components.push(lead);
      input.splice(digitLen, 1, lead, mixed.slice(lead.length));
      digitLen += 1;
    }
    while (components.length < 3) components.push('0');
  }
  components.push(...input.slice(digitLen));
  const major = pyInt(components[0] ?? '', text);
  const minor = pyInt(components[1] ?? '', text);
  let devCount: number | undefined;
  let postCount: number | undefined;
  let prereleaseType: string | undefined;
  let prerelease: number | undefined;
  let patch: number;
  const third = components[2];
  if (third === undefined) throw invalid(text);
  if (/^\s*[+-]?[0-9]+\s*$/.test(third)) {
    patch = pyInt(third, text);
  } else {
    // Legacy 1.2.0a1 (canonical 1.2.0.0a1), 1.2.dev4.g1234, 1.2.b4.
    patch = 0;
    components.splice(2, 0, '0');
  }
  let remainder = components.slice(3);
  const head = remainder[0];
  const startsWithInt = head !== undefined && /^\s*[+-]?[0-9]+\s*$/.test(head) && pyInt(head, text) !== 0;
  if (startsWithInt) {
    // Old dev format 0.1.2.3.g1234.
    devCount = pyInt(head, text);
  } else {
    if (head !== undefined) {
      const first = head[0];
      if (first === undefined) throw invalid(text);
      if (first === '0' || first === 'a' || first === 'b' || first === 'r') {
        const segment = head.replace(/^[0-9]*/, '');
        const type = /^[A-Za-z]*/.exec(segment)?.[0] ?? '';
        prereleaseType = type;
        prerelease = pyInt(segment.slice(type.length), text);
        remainder = remainder.slice(1);
      }
    }
    for (const component of remainder) {
      if (component.startsWith('dev')) {
        devCount = pyInt(component.slice(3), text);
      } else if (component.startsWith('post')) {
        devCount = undefined;
        postCount = pyInt(component.slice(4), text);
      } else {
        throw invalid(text);
      }
    }
  }
  const result = semver(major, minor, patch, prereleaseType || undefined, prerelease, devCount ?? 0);
  if (postCount) {
    if (devCount) throw invalid(text);
    return toDev(incrementVersion(result), postCount);
  }
  return result;
}

const TYPE_ORDER: Readonly<Record<string, string>> = { a: 'a', b: 'b', rc: 'rc' };

function sortKey(v: SemanticVersion): readonly (number | string)[] {
  // Final releases sort after rc (z), dev-only versions before any pre-release,
  // and a release (no dev count) after all its dev versions.
  const uqDev = v.devCount && !v.prereleaseType ? 0 : 1;
  return [
    v.major,
    v.minor,
    v.patch,
    uqDev,
    v.prereleaseType ? (TYPE_ORDER[v.prereleaseType] ?? v.prereleaseType) : 'z',
    v.prerelease ?? -1,
    v.devCount || Number.MAX_SAFE_INTEGER,
  ];
}

/** pbr's ordering of versions: negative when a < b, 0 when equal, positive when a > b. */
export function comparePbrVersions(a: SemanticVersion, b: SemanticVersion): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  for (let i = 0; i < ka.length; i += 1) {
    const x = ka[i] as number | string;
    const y = kb[i] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/**
 * pbr's `increment()`: a patch bump (a pre-release bumps its serial instead),
 * or a minor/major bump that drops any pre-release.
 */
export function incrementVersion(
  v: SemanticVersion,
  options: { readonly minor?: boolean; readonly major?: boolean } = {},
): SemanticVersion {
  let type = v.prereleaseType;
  let pre = type ? (v.prerelease ?? 0) + 1 : undefined;
  let patch = type ? v.patch : v.patch + 1;
  let minor = v.minor;
  let major = v.major;
  if (options.minor) {
    minor += 1;
    patch = 0;
    type = undefined;
    pre = undefined;
  }
  if (options.major) {
    major += 1;
    minor = 0;
    patch = 0;
    type = undefined;
    pre = undefined;
  }
  return semver(major, minor, patch, type, pre);
}

/** pbr's `to_dev(n)`: the same version with `n` commits of development. */
export function toDev(v: SemanticVersion, devCount: number): SemanticVersion {
  return { ...v, devCount };
}

/** pbr's `release_string()`: `1.2.3`, `1.2.3.0rc1`, `1.2.4.dev3`, `1.2.3.0rc2.dev1`. */
export function pbrReleaseString(v: SemanticVersion): string {
  let out = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prereleaseType) out += `.0${v.prereleaseType}${v.prerelease ?? 0}`;
  if (v.devCount) out += `.dev${v.devCount}`;
  return out;
}
