/**
 * Comparing libsolv EVR strings (`[epoch:]version[-release]`) the way dnf's
 * solver does (src/evr.c pool_evrcmp_str, src/pool.c pool_match_flags_evr),
 * over rpm's rpmvercmp. The closure keeps EVRs as these strings (one per
 * package, one per versioned dependency) so a comparison needs no parsing
 * beyond finding the `:` and the last `-`.
 *
 * The two modes: `compare` orders packages (a missing release sorts first);
 * `match` decides whether a provide satisfies a versioned requirement (a
 * release is compared only when both sides have one: -2/2 say "versions
 * equal, only one side has a release").
 */
// Deep import (not ../rpm/index.js): `ferry repo closure` loads only the modules it runs (start-up time).
import { rpmvercmp } from '../rpm/vercmp.js';
import { REL_EQ, REL_GT, REL_LT } from './reldep.js';

export const EVR_MODES = ['compare', 'match'] as const;
export type EvrMode = (typeof EVR_MODES)[number];

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index of the `:` ending a leading run of digits, or -1. */
function epochEnd(evr: string): number {
  let i = 0;
  while (i < evr.length && isDigit(evr.charCodeAt(i))) i++;
  return i > 0 && evr.charCodeAt(i) === 0x3a ? i : -1;
}

/** True when the epoch text before `end` is all zeros (libsolv skips leading zeros, then expects `:`). */
function zeroEpoch(evr: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (evr.charCodeAt(i) !== 0x30) return false;
  return true;
}

/**
 * libsolv's pool_evrcmp_str for rpm: -1/0/1, and in `match` mode -2/2 when
 * the versions are equal and only the first/second has no release.
 *
 * @example
 *   evrCompare('1:1.0', '2.0', 'compare') === 1
 *   evrCompare('1.0', '1.0-1', 'match') === -2
 */
export function evrCompare(a: string, b: string, mode: EvrMode): -2 | -1 | 0 | 1 | 2 {
  if (a === b) return 0;
  const ea = epochEnd(a);
  const eb = epochEnd(b);
  let va = 0;
  let vb = 0;
  if (ea >= 0 && eb >= 0) {
    const r = rpmvercmp(a.slice(0, ea), b.slice(0, eb));
    if (r !== 0) return r;
    va = ea + 1;
    vb = eb + 1;
  } else if (ea >= 0) {
    if (!zeroEpoch(a, ea)) return 1;
    va = ea + 1;
  } else if (eb >= 0) {
    if (!zeroEpoch(b, eb)) return -1;
    vb = eb + 1;
  }
  const da = a.lastIndexOf('-');
  const db = b.lastIndexOf('-');
  const ra = da >= va ? da : -1;
  const rb = db >= vb ? db : -1;
  const r = rpmvercmp(a.slice(va, ra >= 0 ? ra : a.length), b.slice(vb, rb >= 0 ? rb : b.length));
  if (r !== 0) return r;
  if (mode === 'compare') {
    if (ra < 0 && rb >= 0) return -1;
    if (ra >= 0 && rb < 0) return 1;
  }
  // rpm treats an empty release as none ("foo = 4-" is "foo = 4").
  const relA = ra >= 0 && ra + 1 < a.length ? a.slice(ra + 1) : undefined;
  const relB = rb >= 0 && rb + 1 < b.length ? b.slice(rb + 1) : undefined;
  if (mode === 'compare') {
    if (ra >= 0 && rb >= 0) return rpmvercmp(a.slice(ra + 1), b.slice(rb + 1));
    return 0;
  }
  if (relA !== undefined && relB !== undefined) return rpmvercmp(relA, relB);
  if (relA === undefined && relB !== undefined) return -2;
  if (relA !== undefined && relB === undefined) return 2;
  return 0;
}

/**
 * Whether a versioned provide (`pflags`, `pevr`) satisfies a versioned
 * requirement (`flags`, `evr`): libsolv's pool_match_flags_evr for rpm.
 * An unversioned provide satisfies every version; that case is the caller's.
 *
 * @example
 *   matchFlagsEvr(REL_EQ, '1.0-1', REL_GT | REL_EQ, '1.0') === true
 */
export function matchFlagsEvr(pflags: number, pevr: string, flags: number, evr: string): boolean {
  if (pflags === 0 || flags === 0 || pflags >= 8 || flags >= 8) return false;
  if (flags === 7 || pflags === 7) return true;
  if ((pflags & flags & (REL_LT | REL_GT)) !== 0) return true;
  if (pevr === evr) return (flags & pflags & REL_EQ) !== 0;
  switch (evrCompare(pevr, evr, 'match')) {
    case -2:
      return (pflags & REL_EQ) !== 0;
    case -1:
      return (flags & REL_LT) !== 0 || (pflags & REL_GT) !== 0;
    case 0:
      return (flags & pflags & REL_EQ) !== 0;
    case 1:
      return (flags & REL_GT) !== 0 || (pflags & REL_LT) !== 0;
    case 2:
      return (flags & REL_EQ) !== 0;
  }
}
