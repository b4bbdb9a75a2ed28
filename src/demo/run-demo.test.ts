import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { runDnf } from '../../test/helpers/dnf.js';
import { runFerry, type FerryRun } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import type { StatusReport } from '../report/index.js';
import { DEMO_PACKAGES } from './demo-packages.js';

describe('ferry demo', () => {
  let dir: string;
  let run: FerryRun;

  beforeAll(async () => {
    dir = join(await tempDir('ferry-demo-'), 'demo');
    run = await runFerry(['demo', '--dir', dir], { timeoutMs: 300_000 });
  }, 320_000);

  it('tells the story: first builds, a failure that keeps consistent back, the fix, a diff', () => {
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/Stage 1\/3: initial[\s\S]*5 builds queued: common, /);
    expect(out).toMatch(
      /ferry-demo-server +[0-9a-f]{7} new commit +FAILED[^\n]*\n[^\n]*\n +install: cannot stat 'conf\/server\.conf'/,
    );
    expect(out).toMatch(
      /ferry-demo-cli +[0-9a-f]{7} new commit +SUCCESS[^\n]*\n[^\n]*\n +consistent stays: ferry-demo-server failing/,
    );
    expect(out).toMatch(/ferry-demo-docs +[0-9a-f]{7} packaging change SUCCESS/);
    expect(out).toMatch(
      /Stage 3\/3: fix[\s\S]*ferry-demo-server +[0-9a-f]{7} new commit +SUCCESS +[\d.]+s +moved component\/tools\/current, component\/tools\/consistent/,
    );
    expect(out).toMatch(/changelog added:\n +\* .* - 1\.2\.0-2\n +- Own the documentation directory/);
    expect(out).toContain('closure: 13 packages checked, every dependency resolved');
    expect(out).toContain('Where to look');
  });

  it('leaves a workspace whose catalog validates and whose status is all green', async () => {
    const validate = await runFerry(['catalog', 'validate'], { cwd: dir });
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);

    const status = await runFerry(['status', '--json'], { cwd: dir });
    const report = JSON.parse(status.stdout) as StatusReport;

    expect(report.packages.map((p) => [p.name, p.state])).toEqual(
      DEMO_PACKAGES.map((p) => [p.name, 'SUCCESS']).sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(report.labels.map((l) => `${l.component}/${l.label}`).sort()).toEqual([
      'base/consistent',
      'base/current',
      'tools/consistent',
      'tools/current',
    ]);
  });

  it('publishes repositories dnf reads through the aggregate delorean.repo, each package once', async () => {
    const repoFile = await readFile(join(dir, 'repos', 'consistent', 'delorean.repo'), 'utf8');
    expect(repoFile).toContain('[delorean-component-base]');

    const result = await runDnf([], ['repoquery', '--arch', 'noarch', '--qf', '%{name}\n'], {
      setopt: [`reposdir=${join(dir, 'repos', 'consistent')}`],
    });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(
      result.stdout
        .split('\n')
        .filter((l) => l !== '')
        .sort(),
    ).toEqual([
      'ferry-demo-cli',
      'ferry-demo-cli-doc',
      'ferry-demo-common',
      'ferry-demo-common-devel',
      'ferry-demo-data',
      'ferry-demo-docs',
      'ferry-demo-server',
      'ferry-demo-server-config',
    ]);
    const rerun = await runFerry(['demo', '--dir', join(dir, 'repos')]);
    expect(rerun.code).toBe(2);
    expect(rerun.stderr).toContain('is not empty and is not a ferry demo workspace');
  });
});
