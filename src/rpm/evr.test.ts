import { beforeAll, describe, expect, it } from 'vitest';

import { buildRpms } from '../../test/helpers/rpm-factory.js';
import { mutate, randomVersion, seededRandom } from '../../test/helpers/random-versions.js';
import type { OverlapSide } from '../../test/helpers/rpm-reference.js';
import { referenceOverlaps, rpmLuaVercmp } from '../../test/helpers/rpm-reference.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import type { EvrRange } from './evr.js';
import { compareEvr, evrSatisfies, formatEvr, parseEvr, rangesOverlap } from './evr.js';
import type { DependencyFlag } from './package.js';

describe('parseEvr', () => {
  it("splits epoch, version and release like rpm's parseEVR", () => {
    const inputs = [
      '1:2.0-3',
      '2.0',
      '2.0-1.el9',
      ':1.0-1',
      '0:1.0',
      '10:1-2-3',
      'a:1.0',
      '1.0-',
      '-1',
      '1:',
    ];

    const parsed = inputs.map((text) => parseEvr(text));

    expect(parsed).toEqual([
      { epoch: '1', version: '2.0', release: '3' },
      { version: '2.0' },
      { version: '2.0', release: '1.el9' },
      { epoch: '0', version: '1.0', release: '1' },
      { epoch: '0', version: '1.0' },
      { epoch: '10', version: '1-2', release: '3' },
      { version: 'a:1.0' },
      { version: '1.0', release: '' },
      { version: '', release: '1' },
      { epoch: '1', version: '' },
    ]);
  });

  it('rejects an empty string', () => {
    expect(() => parseEvr('')).toThrow(expect.objectContaining({ code: 'FERRY_DEPENDENCY_INVALID' }));
  });
});

describe('formatEvr', () => {
  it('leaves out absent and 0 epochs like libsolv, unless asked to keep a written zero', () => {
    const evrs = [
      { epoch: 1, version: '2.0', release: '3' },
      { epoch: 0, version: '2.0', release: '3' },
      { epoch: '0', version: '2.0' },
      { version: '2.0' },
      { epoch: '00', version: '1', release: '' },
      { epoch: '0', version: '1:2' },
    ];

    expect(evrs.map((evr) => formatEvr(evr))).toEqual(['1:2.0-3', '2.0-3', '2.0', '2.0', '00:1', '0:1:2']);
    expect(evrs.map((evr) => formatEvr(evr, { keepZeroEpoch: true }))).toEqual([
      '1:2.0-3',
      '0:2.0-3',
      '0:2.0',
      '2.0',
      '00:1',
      '0:1:2',
    ]);
  });
});

function randomEvr(random: () => number): string {
  const epoch = random() < 0.5 ? '' : `${['0', '1', '2', '00', '10'][Math.floor(random() * 5)]}:`;
  const release = random() < 0.3 ? '' : `-${randomVersion(random).replace(/[-:]/g, '.')}`;
  return `${epoch}${randomVersion(random).replace(/[-:]/g, '.')}${release}`;
}

describe('compareEvr', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('ferry-evr-');
  });

  it("orders EVRs like rpm's rpmverCmp (rpm.vercmp) on 2,000 generated pairs and the hard cases", async () => {
    const random = seededRandom(4242);
    const pairs: [string, string][] = [
      ['1:1.0-1', '2.0-1'],
      ['0:1.0-1', '1.0-1'],
      ['1.0', '1.0-1'],
      ['1.0-1', '1.0'],
      ['1.0-', '1.0'],
      ['00:1.0', '1.0'],
      ['1:1.0', '01:1.0'],
      ['1.0~rc1-1', '1.0-0'],
      ['2:0.1', '1:99'],
      ['1.0-1.el9', '1.0-1.el9_1'],
      ['1.0-1.el9', '1.0-1.el10'],
    ];
    while (pairs.length < 2000) {
      const a = randomEvr(random);
      const r = random();
      const b = r < 0.4 ? mutate(a, random) : r < 0.7 ? a.replace(/^\d+:/, '') : randomEvr(random);
      if (b === '' || /^-|:$/.test(b)) continue;
      pairs.push([a, b]);
    }

    const reference = await rpmLuaVercmp(pairs, dir);

    expect(pairs.map(([a, b]) => `${a} ${b} ${compareEvr(a, b)}`)).toEqual(
      pairs.map(([a, b], i) => `${a} ${b} ${reference[i]}`),
    );
  });

  it('treats a missing epoch as 0 and a missing release as older than any release', () => {
    expect([
      compareEvr({ version: '1.0' }, { epoch: 0, version: '1.0' }),
      compareEvr({ version: '1.0' }, { epoch: 0, version: '1.0', release: '0' }),
      compareEvr({ epoch: 1, version: '0.1', release: '1' }, { version: '9.9', release: '9' }),
      compareEvr({ epoch: '2', version: '1', release: '1' }, { epoch: 10, version: '1', release: '1' }),
    ]).toEqual([0, -1, 1, -1]);
  });
});

const FLAG_TEXT: Record<DependencyFlag, OverlapSide['flags']> = {
  LT: '<',
  LE: '<=',
  EQ: '=',
  GE: '>=',
  GT: '>',
};
const FLAGS_BY_TEXT = new Map<string, DependencyFlag>(
  Object.entries(FLAG_TEXT).map(([flag, text]) => [text, flag as DependencyFlag]),
);

function toRange(side: OverlapSide): EvrRange {
  const flags = FLAGS_BY_TEXT.get(side.flags);
  return flags === undefined ? {} : { flags, ...parseEvr(side.evr) };
}

describe('rangesOverlap / evrSatisfies', () => {
  const versions = ['1.0', '1.0.1', '2', '1.0~rc1', '1.0^git1', '0.9'];
  const epochs = ['', '', '0:', '1:', '2:'];
  const releases = ['', '', '-1', '-2', '-1.el9', '-0.1~beta'];
  const flags: OverlapSide['flags'][] = ['', '<', '<=', '=', '>=', '>'];
  const random = seededRandom(99);
  const pickFrom = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const side = (allowUnversioned: boolean): OverlapSide => {
    const f = pickFrom(allowUnversioned ? flags : flags.slice(1));
    return f === ''
      ? { flags: '', evr: '' }
      : { flags: f, evr: `${pickFrom(epochs)}${pickFrom(versions)}${pickFrom(releases)}` };
  };
  const cases: [OverlapSide, OverlapSide][] = [];
  // Every flag pair on the same version with and without release, then random ones.
  for (const pf of flags.slice(1))
    for (const rf of flags.slice(1))
      for (const [pe, re] of [
        ['1.0-1', '1.0'],
        ['1.0', '1.0-1'],
        ['1.0-1', '1.0-1'],
        ['1:1.0', '1.0'],
        ['0:1.0', '1.0'],
      ] as const)
        cases.push([
          { flags: pf, evr: pe },
          { flags: rf, evr: re },
        ]);
  while (cases.length < 2000) cases.push([side(true), side(false)]);

  let reference: { rpm: boolean[]; libsolv: boolean[] };
  beforeAll(async () => {
    const dir = await tempDir('ferry-overlap-');
    // One package provides every case's capability under its own name: libsolv then answers per case.
    const [rpm] = await buildRpms(
      [
        {
          name: 'ferry-overlap',
          version: '1',
          release: '1',
          provides: cases.map(([p], i) => (p.flags === '' ? `cap${i}` : `cap${i} ${p.flags} ${p.evr}`)),
        },
      ],
      dir,
    );
    reference = await referenceOverlaps(cases, rpm!.path, (i) => `cap${i}`, dir);
  });

  it("matches rpm's rpmdsCompare on 2,000 provide/require pairs", () => {
    const ours = cases.map(([p, r]) => rangesOverlap(toRange(p), toRange(r)));

    expect(cases.map(([p, r], i) => `${p.flags} ${p.evr} | ${r.flags} ${r.evr}: ${ours[i]}`)).toEqual(
      cases.map(([p, r], i) => `${p.flags} ${p.evr} | ${r.flags} ${r.evr}: ${reference.rpm[i]}`),
    );
    // Both outcomes must be well represented for the comparison to mean something.
    expect(reference.rpm.filter(Boolean).length).toBeGreaterThan(400);
    expect(reference.rpm.filter((x) => !x).length).toBeGreaterThan(400);
  });

  it('matches libsolv (what dnf uses) on the same pairs', () => {
    const ours = cases.map(([p, r]) => evrSatisfies(toRange(p), toRange(r)));

    expect(cases.map(([p, r], i) => `${p.flags} ${p.evr} | ${r.flags} ${r.evr}: ${ours[i]}`)).toEqual(
      cases.map(([p, r], i) => `${p.flags} ${p.evr} | ${r.flags} ${r.evr}: ${reference.libsolv[i]}`),
    );
  });

  it('documents the edge cases the closure relies on', () => {
    const eq = (evr: string): EvrRange => ({ flags: 'EQ', ...parseEvr(evr) });

    expect({
      unversionedProvide: evrSatisfies({}, { flags: 'GE', version: '99' }),
      unversionedRequire: evrSatisfies(eq('1.0-1'), {}),
      releaseLessRequire: evrSatisfies(eq('1.0-1'), { flags: 'GE', version: '1.0' }),
      releaseLessRequireLess: evrSatisfies(eq('1.0-1'), { flags: 'LT', version: '1.0' }),
      releaseLessProvide: evrSatisfies(eq('1.0'), { flags: 'GT', ...parseEvr('1.0-5') }),
      zeroEpochEqualsNone: evrSatisfies(eq('0:1.0-1'), { flags: 'EQ', version: '1.0', release: '1' }),
      epochWins: evrSatisfies(eq('1:0.1-1'), { flags: 'GE', version: '9.9' }),
      missingEpochLoses: evrSatisfies(eq('0.1-1'), { flags: 'GE', epoch: '1', version: '0.1' }),
      tildeBeforeRelease: evrSatisfies(eq('1.0~rc1-1'), { flags: 'GE', version: '1.0' }),
      sameDirection: rangesOverlap({ flags: 'LT', version: '1' }, { flags: 'LE', version: '5' }),
    }).toEqual({
      unversionedProvide: true,
      unversionedRequire: true,
      releaseLessRequire: true,
      releaseLessRequireLess: false,
      releaseLessProvide: true,
      zeroEpochEqualsNone: true,
      epochWins: true,
      missingEpochLoses: false,
      tildeBeforeRelease: false,
      sameDirection: true,
    });
  });
});
