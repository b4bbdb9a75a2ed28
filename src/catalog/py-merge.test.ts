import { describe, expect, it } from 'vitest';

import type { YamlMap } from './catalog-model.js';
import { InPlaceMerger, pyMerge, type Owned } from './py-merge.js';

const CASES: [YamlMap, YamlMap][] = [
  [
    { a: 1, b: { x: 1 } },
    { b: { y: 2 }, c: 3 },
  ],
  [{ list: [1, 2] }, { list: [3] }],
  [
    { keep: 'value', tags: { caracal: null } },
    { keep: null, tags: { caracal: { 'source-branch': '1.0' } } },
  ],
  [{ tags: { caracal: { 'source-branch': '1.0' } } }, { tags: { caracal: null } }],
  [{ scalar: 'x' }, { scalar: { now: 'a map' } }],
  [{ map: { a: 1 } }, { map: 'now a scalar' }],
  [{ list: [1] }, { list: 'replaced' }],
  [{}, { fresh: null }],
];

describe('pyMerge', () => {
  it("merges like distroinfo's _merge", () => {
    expect(pyMerge({ a: 1, b: { x: 1, l: [1] } }, { b: { y: 2, l: [2] }, c: null, a: null })).toEqual({
      a: 1,
      b: { x: 1, y: 2, l: [1, 2] },
      c: null,
    });
    expect(pyMerge(undefined, null)).toBeNull();
    expect(pyMerge({ a: 1 }, 'x')).toBe('x');
  });
});

describe('InPlaceMerger', () => {
  it('gives what pyMerge gives, without touching its inputs', () => {
    for (const [a, b] of CASES) {
      const before = JSON.stringify([a, b]);
      const merger = new InPlaceMerger();
      const target = merger.copy(a) as Owned;

      merger.mergeInto(target, b);

      expect({ ...target }, JSON.stringify([a, b])).toEqual(pyMerge(a, b));
      expect(JSON.stringify([a, b])).toBe(before);
    }
  });

  it('accumulates many merges into one value', () => {
    const merger = new InPlaceMerger();
    const target = merger.copy({ project: 'nova' }) as Owned;
    let reference: YamlMap = { project: 'nova' };

    for (let i = 0; i < 50; i++) {
      const entry: YamlMap = {
        project: 'nova',
        'buildsys-tags': { [`tag-${i}`]: `nova-${i}` },
        tags: { [`r${i % 5}`]: null },
      };
      merger.mergeInto(target, entry);
      reference = pyMerge(reference, entry) as YamlMap;
    }

    expect(JSON.parse(JSON.stringify(target))).toEqual(reference);
    expect(Object.keys(target['buildsys-tags'] as YamlMap)).toHaveLength(50);
  });
});
