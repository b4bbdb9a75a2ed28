/**
 * Epoch:version-release values and the two ways rpm compares them:
 *
 * - ordering packages (`compareEvr`, rpm's rpmverCmp, libsolv's
 *   EVRCMP_COMPARE): a missing epoch is 0; versions, then releases, compare
 *   with rpmvercmp; a missing release sorts before any release;
 * - matching a dependency range against a provide (`rangesOverlap` /
 *   `evrSatisfies`, rpm's rpmdsCompare + rpmverOverlap, libsolv's
 *   pool_match_flags_evr with EVRCMP_MATCH_RELEASE). Edge cases, identical in
 *   rpm and libsolv (checked by the tests against both):
 *   - an unversioned entry (no flags, or no version) overlaps everything, so an
 *     unversioned provide satisfies `foo >= 99` and `foo` is satisfied by any
 *     version of foo;
 *   - epochs: when both sides carry one they compare with rpmvercmp; when only
 *     one does, it wins if it is above 0, so `0:1.0` and `1.0` are equal and
 *     `1:0.1` is newer than `9.9`;
 *   - releases are compared only when both sides have one (an empty release,
 *     `1.0-`, counts as none). When the versions are equal and just one side
 *     has a release, the ranges overlap as soon as the release-less side
 *     includes equality: `foo = 1.0` provides what `foo > 1.0-5` asks for, and
 *     `foo >= 1.0` accepts `foo = 1.0-1`; `foo < 1.0` does not accept
 *     `foo = 1.0-1`;
 *   - two ranges pointing the same way (`< a` and `< b`) always overlap.
 */
import { FerryError } from '../errors.js';
import type { DependencyFlag } from './package.js';
import type { VercmpResult } from './vercmp.js';
import { rpmvercmp } from './vercmp.js';

/** An epoch:version-release. An absent epoch or release means it was not written. */
export interface Evr {
  /** Numeric for packages, the written text for dependencies; absent = none written (compares as 0). */
  readonly epoch?: number | string | undefined;
  readonly version: string;
  readonly release?: string | undefined;
}

/**
 * A versioned range as a dependency or provide carries it; the Dependency model
 * of package.ts fits (its name is ignored here). No flags or no version: the
 * entry is unversioned and matches any version.
 */
export interface EvrRange {
  readonly flags?: DependencyFlag | undefined;
  readonly epoch?: number | string | undefined;
  readonly version?: string | undefined;
  readonly release?: string | undefined;
}

/**
 * Splits `[epoch:]version[-release]` as rpm's parseEVR does: the epoch is the
 * leading digits before a `:` (an empty one, `:1.0`, is `0`); the release
 * follows the last `-`. Anything else stays in the version, as in rpm.
 *
 * @example
 *   parseEvr('1:2.0-3') // { epoch: '1', version: '2.0', release: '3' }
 *   parseEvr('2.0')     // { version: '2.0' }
 */
export function parseEvr(text: string): { epoch?: string; version: string; release?: string } {
  if (text === '') throw new FerryError('FERRY_DEPENDENCY_INVALID', 'empty epoch:version-release');
  let s = 0;
  while (s < text.length && isDigitCode(text.charCodeAt(s))) s++;
  let epoch: string | undefined;
  let start = 0;
  if (text.charCodeAt(s) === 0x3a /* : */) {
    epoch = s === 0 ? '0' : text.slice(0, s);
    start = s + 1;
  }
  const dash = text.lastIndexOf('-');
  // One object shape whatever is present (absent parts are undefined): cheaper for the hot paths.
  return dash >= start
    ? { epoch, version: text.slice(start, dash), release: text.slice(dash + 1) }
    : { epoch, version: text.slice(start), release: undefined };
}

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hasEpoch(epoch: number | string | undefined): epoch is number | string {
  return epoch !== undefined && epoch !== '';
}

function epochText(epoch: number | string): string {
  return typeof epoch === 'number' ? String(epoch) : epoch;
}

/**
 * `[epoch:]version[-release]` as dnf prints it (libsolv's makeevr_parts): an
 * absent, empty or `0` epoch is left out, except when the version itself
 * starts with `digits:` (then `0:` keeps the text unambiguous).
 * `keepZeroEpoch` prints a written `0` anyway (rpm -q prints the header text).
 */
export function formatEvr(evr: EvrRange | Evr, options: { readonly keepZeroEpoch?: boolean } = {}): string {
  const epoch = evr.epoch;
  const version = evr.version ?? '';
  const zero = epoch === 0 || epoch === '0';
  const showEpoch = hasEpoch(epoch) && (options.keepZeroEpoch === true || !zero || /^\d+:/.test(version));
  let text = showEpoch ? `${epochText(epoch)}:${version}` : version;
  if (evr.release !== undefined && evr.release !== '') text += `-${evr.release}`;
  return text;
}

function toEvr(value: Evr | string): Evr {
  return typeof value === 'string' ? parseEvr(value) : value;
}

/**
 * Orders two EVRs as rpm orders packages (rpmverCmp): epoch (absent = 0),
 * then version, then release, each with rpmvercmp; an absent release sorts
 * before any release. Strings are parsed with parseEvr.
 *
 * @example
 *   compareEvr('1:1.0-1', '2.0-1') === 1
 *   compareEvr({ version: '1.0' }, { epoch: 0, version: '1.0', release: '1' }) === -1
 */
export function compareEvr(a: Evr | string, b: Evr | string): VercmpResult {
  const x = toEvr(a);
  const y = toEvr(b);
  const byEpoch = rpmvercmp(
    hasEpoch(x.epoch) ? epochText(x.epoch) : '0',
    hasEpoch(y.epoch) ? epochText(y.epoch) : '0',
  );
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(x.version, y.version);
  if (byVersion !== 0) return byVersion;
  if (x.release === undefined && y.release === undefined) return 0;
  if (x.release === undefined) return -1;
  if (y.release === undefined) return 1;
  return rpmvercmp(x.release, y.release);
}

const LESS = 2;
const GREATER = 4;
const EQUAL = 8;

/** rpm's RPMSENSE bits of a flag. */
export function senseBits(flags: DependencyFlag): number {
  switch (flags) {
    case 'LT':
      return LESS;
    case 'LE':
      return LESS | EQUAL;
    case 'EQ':
      return EQUAL;
    case 'GE':
      return GREATER | EQUAL;
    case 'GT':
      return GREATER;
  }
}

/**
 * Whether two versioned ranges share a version: rpm's rpmdsCompare (symmetric).
 * Names are not looked at: the caller matches them first.
 *
 * @example
 *   rangesOverlap({ flags: 'EQ', version: '1.0', release: '1' }, { flags: 'GE', version: '1.0' }) === true
 *   rangesOverlap({ flags: 'EQ', version: '1.0', release: '1' }, { flags: 'LT', version: '1.0' }) === false
 *   rangesOverlap({}, { flags: 'GE', version: '99' }) === true // unversioned provide
 */
export function rangesOverlap(a: EvrRange, b: EvrRange): boolean {
  if (a.flags === undefined || b.flags === undefined) return true;
  // rpm tests the whole EVR string for emptiness: an epoch alone still counts as an EVR.
  if (evrIsEmpty(a) || evrIsEmpty(b)) return true;
  const f1 = senseBits(a.flags);
  const f2 = senseBits(b.flags);

  let sense: number = 0;
  if (hasEpoch(a.epoch) && hasEpoch(b.epoch)) sense = rpmvercmp(epochText(a.epoch), epochText(b.epoch));
  else if (hasEpoch(a.epoch) && epochValue(a.epoch) > 0) sense = 1;
  else if (hasEpoch(b.epoch) && epochValue(b.epoch) > 0) sense = -1;

  if (sense === 0) {
    sense = rpmvercmp(a.version ?? '', b.version ?? '');
    if (sense === 0) {
      const ra = a.release ?? '';
      const rb = b.release ?? '';
      if (ra !== '' && rb !== '') sense = rpmvercmp(ra, rb);
      else if ((ra !== '' && (f2 & EQUAL) !== 0) || (rb !== '' && (f1 & EQUAL) !== 0)) return true;
    }
  }

  if (sense < 0) return (f1 & GREATER) !== 0 || (f2 & LESS) !== 0;
  if (sense > 0) return (f1 & LESS) !== 0 || (f2 & GREATER) !== 0;
  return (f1 & f2 & (EQUAL | LESS | GREATER)) !== 0;
}

function evrIsEmpty(range: EvrRange): boolean {
  return !hasEpoch(range.epoch) && (range.version ?? '') === '' && (range.release ?? '') === '';
}

/** C's atol on the epoch text: leading digits, 0 when there are none. */
function epochValue(epoch: number | string): number {
  if (typeof epoch === 'number') return epoch;
  const match = /^\s*[+-]?\d+/.exec(epoch);
  return match === null ? 0 : Number.parseInt(match[0], 10);
}

/**
 * Whether a provide (flags + EVR, or unversioned) satisfies a requirement on
 * the same name. Same as rangesOverlap; named for the closure code.
 *
 * @example
 *   evrSatisfies({ flags: 'EQ', epoch: '2', version: '1.0', release: '1' }, { flags: 'GE', version: '3.0' }) === true
 */
export function evrSatisfies(provide: EvrRange, require: EvrRange): boolean {
  return rangesOverlap(provide, require);
}

/** rpm's comparison operators (lib/rpmds.c ReqComparisons), alternates included. */
const OPERATOR_FLAGS: ReadonlyMap<string, DependencyFlag> = new Map([
  ['<', 'LT'],
  ['<=', 'LE'],
  ['=<', 'LE'],
  ['=', 'EQ'],
  ['==', 'EQ'],
  ['>=', 'GE'],
  ['=>', 'GE'],
  ['>', 'GT'],
]);

const FLAG_OPERATORS: Readonly<Record<DependencyFlag, string>> = {
  LT: '<',
  LE: '<=',
  EQ: '=',
  GE: '>=',
  GT: '>',
};

/** The flag of a comparison operator as rpm reads it (`=<` and `==` too), or undefined. */
export function flagFromOperator(operator: string): DependencyFlag | undefined {
  return OPERATOR_FLAGS.get(operator);
}

/** The operator rpm and dnf print for a flag. */
export function operatorFromFlag(flag: DependencyFlag): string {
  return FLAG_OPERATORS[flag];
}

/**
 * Splits a dependency's EVR the way createrepo_c does (cr_str_to_evr), so the
 * result equals what repodata carries: the epoch is the text before `:` when
 * strtol reads all of it as a number, `"0"` when there is none; the release
 * follows the FIRST `-` after the epoch (rpm's own parseEVR takes the last;
 * rpmbuild refuses EVRs with two `-` anyway); an empty release is absent.
 * A non-numeric epoch (`abc:1.0`) makes createrepo_c drop the dependency: here
 * it is an error.
 *
 * @example
 *   parseDependencyEvr('1:2.0-3') // { epoch: '1', version: '2.0', release: '3' }
 *   parseDependencyEvr('2.0')     // { epoch: '0', version: '2.0' }
 */
export function parseDependencyEvr(text: string): { epoch: string; version: string; release?: string } {
  const colon = text.indexOf(':');
  let epoch = '0';
  let rest = text;
  if (colon >= 0) {
    const head = text.slice(0, colon);
    if (!/^[\t\n\v\f\r ]*[+-]?\d+$/.test(head) && head !== '') {
      throw new FerryError(
        'FERRY_DEPENDENCY_INVALID',
        `epoch ${JSON.stringify(head)} of ${JSON.stringify(text)} is not a number`,
      );
    }
    if (head !== '') epoch = head;
    rest = text.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  if (dash < 0) return { epoch, version: rest };
  const release = rest.slice(dash + 1);
  return release === ''
    ? { epoch, version: rest.slice(0, dash) }
    : { epoch, version: rest.slice(0, dash), release };
}
