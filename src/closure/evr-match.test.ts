import { describe, expect, it } from 'vitest';

import { mutate, randomVersion, seededRandom } from '../../test/helpers/random-versions.js';
import { evrSatisfies, type DependencyFlag } from '../rpm/index.js';
import { evrCompare, matchFlagsEvr } from './evr-match.js';
import { flagsFromAttribute, makeEvr, REL_EQ, REL_GT, REL_LT } from './reldep.js';

describe('evrCompare (libsolv pool_evrcmp_str)', () => {
  it('orders packages: epoch, version, then release; a missing release first', () => {
    expect(evrCompare('1:1.0-1', '2.0-1', 'compare')).toBe(1);
    expect(evrCompare('1.0', '1.0-1', 'compare')).toBe(-1);
    expect(evrCompare('0:1.0-1', '1.0-1', 'compare')).toBe(0);
    expect(evrCompare('1.0~rc1-1', '1.0-1', 'compare')).toBe(-1);
    expect(evrCompare('1.0^git1-1', '1.0-1', 'compare')).toBe(1);
    expect(evrCompare('1.0-', '1.0', 'compare')).toBe(1);
  });

  it('in match mode says when only one side has a release', () => {
    expect(evrCompare('1.0', '1.0-1', 'match')).toBe(-2);
    expect(evrCompare('1.0-1', '1.0', 'match')).toBe(2);
    expect(evrCompare('1.0-', '1.0', 'match')).toBe(0);
    expect(evrCompare('00:1.0', '1.0', 'match')).toBe(0);
    expect(evrCompare('2:1.0', '5.0', 'match')).toBe(1);
  });
});

describe('matchFlagsEvr (libsolv pool_match_flags_evr)', () => {
  it('decides overlaps of provide and require ranges', () => {
    expect(matchFlagsEvr(REL_EQ, '1.5-1', REL_GT | REL_EQ, '2.0')).toBe(false);
    expect(matchFlagsEvr(REL_EQ, '1.5-1', REL_LT | REL_EQ, '1.5')).toBe(true);
    expect(matchFlagsEvr(REL_EQ, '1.5-1', REL_GT, '1.5')).toBe(false);
    expect(matchFlagsEvr(REL_EQ, '2.0', REL_EQ, '2.0-5')).toBe(true);
    expect(matchFlagsEvr(REL_EQ, '2:1.0-1', REL_EQ, '1.0-1')).toBe(false);
    expect(matchFlagsEvr(REL_GT, '1', REL_GT, '9')).toBe(true);
    expect(matchFlagsEvr(REL_LT | REL_EQ | REL_GT, '1', REL_EQ, '9')).toBe(true);
  });

  it("agrees with the rpm module's range overlap (itself checked against rpm and libsolv) on random ranges", () => {
    const random = seededRandom(11);
    const flags: readonly DependencyFlag[] = ['LT', 'LE', 'EQ', 'GE', 'GT'];
    const side = (
      base: string,
    ): { flags: DependencyFlag; epoch?: string; version: string; release?: string } => {
      const version = random() < 0.5 ? base : mutate(base, random).replace(/[-:]/g, '.');
      const r = random();
      return {
        flags: flags[Math.floor(random() * flags.length)]!,
        ...(r < 0.3 ? {} : { epoch: String(Math.floor(random() * 3)) }),
        version: version === '' ? '1' : version,
        ...(random() < 0.4 ? {} : { release: random() < 0.5 ? '1' : String(1 + Math.floor(random() * 3)) }),
      };
    };
    const mismatches: unknown[] = [];
    for (let i = 0; i < 20000; i++) {
      const base = randomVersion(random).replace(/[-:]/g, '.') || '1';
      const provide = side(base);
      const require = side(base);
      const ours = matchFlagsEvr(
        flagsFromAttribute(provide.flags),
        makeEvr(provide.epoch, provide.version, provide.release),
        flagsFromAttribute(require.flags),
        makeEvr(require.epoch, require.version, require.release),
      );
      if (ours !== evrSatisfies(provide, require)) mismatches.push({ provide, require, ours });
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
