/**
 * A header's dependencies as createrepo_c lists them (src/parsehdr.c): the
 * six kinds and the four weak ones with flags and EVR, legacy weak
 * dependencies, requires dropped (rpmlib(), primary files the package
 * ships, what it provides itself, exact duplicates), `pre` requires, and
 * only the highest libc.so.6 require kept.
 */
import type { Dependency, DependencyFlag } from './package.js';
import type { StringReader } from './header-strings.js';
import { RPM_TAG } from './rpm-header.js';
import { rpmvercmp } from './vercmp.js';

// Dependency sense bits (rpm's include/rpm/rpmds.h).
const SENSE_POSTTRANS = 1 << 5;
const SENSE_PREREQ = 1 << 6;
const SENSE_PRETRANS = 1 << 7;
const SENSE_SCRIPT_PRE = 1 << 9;
const SENSE_SCRIPT_POST = 1 << 10;
const SENSE_MISSINGOK = 1 << 19;
const SENSE_STRONG = 1 << 27;
/** Sense bits that make a require `pre` in createrepo_c before 1.1.1, and since (PRE_BITS). */
export const LEGACY_PRE_BITS = SENSE_PREREQ | SENSE_SCRIPT_PRE | SENSE_SCRIPT_POST;
export const PRE_BITS = LEGACY_PRE_BITS | SENSE_POSTTRANS | SENSE_PRETRANS;

/** createrepo_c's cr_flag_to_str: only the five plain comparisons have a name. */
function dependencyFlagName(flags: number): DependencyFlag | undefined {
  switch (flags & 0xf) {
    case 2:
      return 'LT';
    case 4:
      return 'GT';
    case 8:
      return 'EQ';
    case 10:
      return 'LE';
    case 12:
      return 'GE';
    default:
      return undefined;
  }
}

interface Evr {
  readonly epoch?: string;
  readonly version?: string;
  readonly release?: string;
  readonly badEpoch: boolean;
}

const NO_EVR: Evr = { badEpoch: false };

/** strtol's view of an epoch: optional blanks, optional sign, then only digits. */
function isNumericEpoch(head: string): boolean {
  let i = 0;
  while (i < head.length && ' \t\n\v\f\r'.includes(head[i]!)) i++;
  if (head[i] === '+' || head[i] === '-') i++;
  if (i === head.length) return false;
  for (; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** createrepo_c's cr_str_to_evr: `[epoch:]version[-release]`, epoch "0" when absent. */
function splitEvr(text: string): Evr {
  if (text === '') return NO_EVR;
  const colon = text.indexOf(':');
  let epoch = '0';
  let rest = text;
  if (colon >= 0) {
    // An empty epoch counts as none; anything strtol would not read as a number is a bad epoch.
    if (colon > 0) {
      const head = text.slice(0, colon);
      if (!isNumericEpoch(head)) return { badEpoch: true };
      epoch = head;
    }
    rest = text.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  if (dash < 0) return { epoch, version: rest, badEpoch: false };
  const release = rest.slice(dash + 1);
  return release === ''
    ? { epoch, version: rest.slice(0, dash), badEpoch: false }
    : { epoch, version: rest.slice(0, dash), release, badEpoch: false };
}

function makeDependency(name: string, flags: DependencyFlag | undefined, evr: Evr, pre: boolean): Dependency {
  // Repodata writes epoch/ver/rel only next to flags; keep the model equal to what it carries.
  if (flags === undefined) return pre ? { name, pre } : { name };
  const dep: { -readonly [K in keyof Dependency]: Dependency[K] } = { name, flags };
  if (evr.epoch) dep.epoch = evr.epoch;
  if (evr.version) dep.version = evr.version;
  if (evr.release) dep.release = evr.release;
  if (pre) dep.pre = true;
  return dep;
}

/**
 * createrepo_c's cr_compare_dependency for two libc.so.6 requires, reduced to
 * "is `b` higher than `a`": compares the version inside the first parentheses,
 * with the same precedence of odd shapes (no parentheses, no closing one,
 * empty ones, no digit inside).
 */
function libcIsHigher(a: string, b: string): boolean {
  const shape = (dep: string): { stage: number; version: string } => {
    const open = dep.indexOf('(');
    if (open < 0) return { stage: 0, version: '' };
    const close = dep.indexOf(')', open);
    if (close < 0) return { stage: 1, version: '' };
    if (close === open + 1) return { stage: 2, version: '' };
    let at = open + 1;
    while (at < dep.length && (dep.charCodeAt(at) < 48 || dep.charCodeAt(at) > 57)) at++;
    if (at > close) return { stage: 3, version: '' };
    return { stage: 4, version: dep.slice(at, close) };
  };
  const sa = shape(a);
  const sb = shape(b);
  // At each stage, the first dependency failing it loses; both failing it is a tie (-1 at stage 1).
  for (let stage = 0; stage < 4; stage++) {
    const aFails = sa.stage === stage;
    const bFails = sb.stage === stage;
    if (aFails || bFails) return aFails && !bFails;
  }
  return rpmvercmp(sa.version, sb.version) < 0;
}

export interface DependencyLists {
  requires: Dependency[];
  provides: Dependency[];
  conflicts: Dependency[];
  obsoletes: Dependency[];
  recommends: Dependency[];
  suggests: Dependency[];
  supplements: Dependency[];
  enhances: Dependency[];
}

type Kind = keyof DependencyLists | 'oldsuggests' | 'oldenhances';

// The order matters: provides first (requires are checked against them).
const DEPENDENCY_TAGS: readonly (readonly [Kind, number, number, number])[] = [
  ['provides', RPM_TAG.PROVIDENAME, RPM_TAG.PROVIDEFLAGS, RPM_TAG.PROVIDEVERSION],
  ['conflicts', RPM_TAG.CONFLICTNAME, RPM_TAG.CONFLICTFLAGS, RPM_TAG.CONFLICTVERSION],
  ['obsoletes', RPM_TAG.OBSOLETENAME, RPM_TAG.OBSOLETEFLAGS, RPM_TAG.OBSOLETEVERSION],
  ['requires', RPM_TAG.REQUIRENAME, RPM_TAG.REQUIREFLAGS, RPM_TAG.REQUIREVERSION],
  ['suggests', RPM_TAG.SUGGESTNAME, RPM_TAG.SUGGESTFLAGS, RPM_TAG.SUGGESTVERSION],
  ['enhances', RPM_TAG.ENHANCENAME, RPM_TAG.ENHANCEFLAGS, RPM_TAG.ENHANCEVERSION],
  ['recommends', RPM_TAG.RECOMMENDNAME, RPM_TAG.RECOMMENDFLAGS, RPM_TAG.RECOMMENDVERSION],
  ['supplements', RPM_TAG.SUPPLEMENTNAME, RPM_TAG.SUPPLEMENTFLAGS, RPM_TAG.SUPPLEMENTVERSION],
  ['oldsuggests', RPM_TAG.OLDSUGGESTSNAME, RPM_TAG.OLDSUGGESTSFLAGS, RPM_TAG.OLDSUGGESTSVERSION],
  ['oldenhances', RPM_TAG.OLDENHANCESNAME, RPM_TAG.OLDENHANCESFLAGS, RPM_TAG.OLDENHANCESVERSION],
];

export function readDependencies(
  strings: StringReader,
  ownFiles: ReadonlySet<string>,
  preBits: number,
): DependencyLists {
  const header = strings.header;
  const lists: DependencyLists = {
    requires: [],
    provides: [],
    conflicts: [],
    obsoletes: [],
    recommends: [],
    suggests: [],
    supplements: [],
    enhances: [],
  };
  const provided = new Set<string>();
  const seenRequires = new Map<string, { flags: string; version: string; pre: boolean }>();
  for (const [kind, nameTag, flagsTag, versionTag] of DEPENDENCY_TAGS) {
    const names = strings.strings(nameTag);
    const flagValues = names && header.numbers(flagsTag);
    const versions = flagValues && strings.strings(versionTag);
    if (!names || !flagValues || !versions) continue;
    const count = Math.min(names.length, flagValues.length, versions.length);
    let libcHighest: Dependency | undefined;
    for (let i = 0; i < count; i++) {
      const name = names[i]!;
      const rawFlags = flagValues[i]!;
      const flags = dependencyFlagName(rawFlags);
      const version = versions[i]!;
      // createrepo_c keys provides by name, flags and version glued together.
      const nfv = `${name}${flags ?? ''}${version}`;
      let pre = false;
      if (kind === 'requires') {
        if (name.startsWith('rpmlib(')) continue;
        if (name.startsWith('/') && ownFiles.has(name)) continue;
        if (provided.has(nfv)) continue;
        pre = (rawFlags & preBits) !== 0;
        const seen = seenRequires.get(name);
        if (seen && seen.flags === (flags ?? '') && seen.version === version && seen.pre === pre) continue;
      }
      const evr = splitEvr(version);
      // createrepo_c warns and skips a dependency whose epoch is not a number.
      if (evr.badEpoch) continue;
      switch (kind) {
        case 'provides':
          provided.add(nfv);
          lists.provides.push(makeDependency(name, flags, evr, false));
          break;
        case 'requires': {
          if (rawFlags & SENSE_MISSINGOK) {
            // Legacy weak dependency (createrepo_c built with ENABLE_LEGACY_WEAKDEPS, as distributions ship it).
            lists.recommends.push(makeDependency(name, flags, evr, false));
            break;
          }
          const dep = makeDependency(name, flags, evr, pre);
          if (name.startsWith('libc.so.6')) {
            if (!libcHighest || libcIsHigher(libcHighest.name, name)) libcHighest = dep;
            break;
          }
          lists.requires.push(dep);
          seenRequires.set(name, { flags: flags ?? '', version, pre });
          break;
        }
        case 'oldsuggests':
          (rawFlags & SENSE_STRONG ? lists.recommends : lists.suggests).push(
            makeDependency(name, flags, evr, false),
          );
          break;
        case 'oldenhances':
          (rawFlags & SENSE_STRONG ? lists.supplements : lists.enhances).push(
            makeDependency(name, flags, evr, false),
          );
          break;
        default:
          lists[kind].push(makeDependency(name, flags, evr, false));
      }
    }
    if (libcHighest) lists.requires.push(libcHighest);
  }
  return lists;
}
