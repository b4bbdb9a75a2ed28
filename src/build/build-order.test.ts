import { describe, expect, it } from 'vitest';

import { dependencyNames } from '../rpm/index.js';
import { buildMacros } from './build-macros.js';
import {
  buildableNow,
  describeCycles,
  packageNeeds,
  planBuildOrder,
  type BuildOrderInput,
} from './build-order.js';

const pkg = (name: string, buildRequires: string[], provides: string[] = []): BuildOrderInput => ({
  name,
  buildRequires,
  provides: [name, ...provides],
});

describe('planBuildOrder', () => {
  it('puts the providers of BuildRequires first and keeps the input order otherwise', () => {
    const packages = [
      pkg('app', ['lib-devel', 'gcc']),
      pkg('other', []),
      pkg('lib', ['base-devel'], ['lib-devel']),
      pkg('base', ['base'], ['base-devel']),
    ];

    const plan = planBuildOrder(packages);

    expect(plan.order).toEqual(['base', 'lib', 'app', 'other']);
    expect(plan.cycles).toEqual([]);
    expect(Object.fromEntries(plan.dependencies)).toEqual({
      app: ['lib'],
      other: [],
      lib: ['base'],
      base: [],
    });
    expect(Object.fromEntries(packageNeeds(packages))).toEqual({
      app: new Set(['lib']),
      other: new Set(),
      lib: new Set(['base']),
      base: new Set(),
    });
  });

  it('reports cycles by name, builds their members one after the other, and keeps dependents after them', () => {
    const plan = planBuildOrder([
      pkg('c', ['a']),
      pkg('a', ['b-devel']),
      pkg('b', ['a'], ['b-devel']),
      pkg('d', []),
    ]);

    expect(plan.order).toEqual(['a', 'b', 'c', 'd']);
    expect(plan.cycles).toEqual([['a', 'b']]);
    expect(describeCycles(plan)).toEqual(['build dependency cycle among a, b: a needs b; b needs a']);
    expect(Object.fromEntries(plan.prerequisites)).toEqual({ c: ['a'], a: [], b: ['a'], d: [] });
  });

  it('tells which packages can build in parallel now', () => {
    const plan = planBuildOrder([
      pkg('app', ['lib-devel']),
      pkg('lib', [], ['lib-devel']),
      pkg('tool', []),
      pkg('plugin', ['app', 'tool']),
    ]);

    const start = buildableNow(plan, { finished: new Set(), running: new Set() });
    const libRunning = buildableNow(plan, { finished: new Set(), running: new Set(['lib', 'tool']) });
    const libDone = buildableNow(plan, { finished: new Set(['lib', 'tool']), running: new Set() });
    const allDone = buildableNow(plan, { finished: new Set(plan.order), running: new Set() });

    expect(start).toEqual(['lib', 'tool']);
    expect(libRunning).toEqual([]);
    expect(libDone).toEqual(['app']);
    expect(allDone).toEqual([]);
  });

  it('follows every name of a rich BuildRequires', () => {
    const plan = planBuildOrder([
      {
        name: 'app',
        buildRequires: dependencyNames({ name: '(libfoo-devel >= 2 or libbar-devel)' }),
        provides: ['app'],
      },
      pkg('libbar', [], ['libbar-devel']),
    ]);

    expect(plan.order).toEqual(['libbar', 'app']);
  });

  it('orders a long chain without exhausting the stack', () => {
    const chain = Array.from({ length: 5_000 }, (_, i) =>
      pkg(`p${i}`, i === 0 ? [] : [`p${i - 1}`]),
    ).reverse();

    const plan = planBuildOrder(chain);

    expect(plan.order[0]).toBe('p0');
    expect(plan.order[4_999]).toBe('p4999');
    expect(plan.cycles).toEqual([]);
  });
});

describe('buildMacros', () => {
  it('defines dist and the distribution macros of ferry.yaml', () => {
    expect(buildMacros({ dist: '.el9', macros: { rhel: 9, _with_docs: '1' } })).toEqual({
      dist: '.el9',
      rhel: 9,
      _with_docs: '1',
    });
  });
});
