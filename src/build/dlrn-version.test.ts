import { describe, expect, it } from 'vitest';

import {
  dlrnRelease,
  incrementLastComponent,
  releaseTimestamp,
  stripUpstreamVersion,
} from './dlrn-version.js';

const HASH = 'd7f1b849a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('DLRN release', () => {
  it('is 0.<UTC YYYYMMDDHHMMSS of the build start>.<7-char hash>', () => {
    const start = new Date('2024-03-05T07:08:09.999Z');

    expect(releaseTimestamp(start)).toBe('20240305070809');
    expect(dlrnRelease(start, HASH)).toBe('0.20240305070809.d7f1b84');
    expect(dlrnRelease(start, HASH, { numbering: '0.1.date.hash' })).toBe('0.1.20240305070809.d7f1b84');
    expect(dlrnRelease(start, HASH, { numbering: 'minor.date.hash', minor: '3' })).toBe(
      '3.20240305070809.d7f1b84',
    );
  });

  it('uses UTC whatever the local time zone, and refuses a short hash', () => {
    expect(releaseTimestamp(new Date('2023-12-31T23:59:59-05:00'))).toBe('20240101045959');
    expect(() => dlrnRelease(new Date(), 'd7f1b84')).toThrow(/invalid commit hash/);
    expect(() => dlrnRelease(new Date(), HASH, { numbering: 'minor.date.hash' })).toThrow(/numeric minor/);
  });
});

describe('stripUpstreamVersion', () => {
  // Expected values were produced by running DLRN's setversionandrelease and
  // set_nvr_in_spec (scripts/common-functions) in bash on each input.
  const cases: readonly (readonly [string, string, string])[] = [
    ['1.0.0.0rc2.dev128', '1.0.0', 'rc'],
    ['2.0.0.0b4.dev15', '2.0.0', 'beta'],
    ['7.0.0.0a1.dev1', '7.0.0', 'alpha'],
    ['2014.2.dev50.g99bef1f', '2014.2', 'dev'],
    ['2.0.1.dev17', '2.0.1', 'dev'],
    ['0.10.1.11.ga5f0e3c', '0.10.1.11', 'git-hash'],
    ['1.8.0.pre', '1.8.0', 'pre'],
    ['1.7.3', '1.7.3', 'plain'],
    ['0.0.0', '0.0.0', 'plain'],
    ['1.0.0.0rc1', '1.0.0', 'rc'],
    ['1.0.0-d7f1b849', '1.0.0', 'version-release'],
    ['1.0.0-rc1', '1.0.0', 'version-release'],
    ['foo-1.0-bar', 'foo', 'version-release'],
    ['1.0.dev1.dev2', '1.0.dev1', 'dev'],
    ['3.0.0.0rc1.0rc2', '3.0.0.0rc1', 'rc'],
    ['1.0.0.0b1.0rc1', '1.0.0.0b1', 'rc'],
    ['1.2.g3.g4', '1.2.g3', 'git-hash'],
    ['1.0.gamma', '1.0', 'git-hash'],
    ['eb6dbe2', '0.0.1', 'fallback'],
    ['1.2.3.post4', '0.0.1', 'fallback'],
    ['v1.2', '0.0.1', 'fallback'],
  ];

  it.each(cases)('%s → %s (%s)', (input, version, rule) => {
    expect(stripUpstreamVersion(input)).toEqual({ version, rule });
  });
});

describe('incrementLastComponent', () => {
  it('adds one to the last field as awk reads it', () => {
    expect(['1.2.3', '2.0', '7', '1.0.0rc1', '1.beta', ''].map(incrementLastComponent)).toEqual([
      '1.2.4',
      '2.1',
      '8',
      '1.0.1',
      '1.1',
      '1',
    ]);
  });
});
