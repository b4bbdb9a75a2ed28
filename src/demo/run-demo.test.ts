import { lstat, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { runDnf } from '../../test/helpers/dnf.js';
import { runFerry, type FerryRun } from '../../test/helpers/run-ferry.js';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { openWorkspace } from '../config/index.js';
import { parseCommitYaml, readAggregateHash } from '../layout/index.js';
import type { StatusReport } from '../report/index.js';
import { openStore } from '../store/index.js';
import { DEMO_API_USER, DEMO_CANDIDATE, DEMO_CI_JOB, DEMO_PROMOTION, runApiStage } from './demo-api-stage.js';
import { DEMO_PACKAGES } from './demo-packages.js';
import type { DemoReport } from './run-demo.js';

const COMPONENTS = ['base', 'tools'];

/** The commit each component's consistent label shows (its commit.yaml). */
async function consistentCommits(dir: string): Promise<{ commitHash: string; distroHash: string | null }[]> {
  return Promise.all(
    COMPONENTS.map(async (c) => {
      const [commit] = parseCommitYaml(
        await readFile(join(dir, 'repos', 'component', c, 'consistent', 'commit.yaml'), 'utf8'),
      );
      return { commitHash: commit!.commitHash, distroHash: commit!.distroHash };
    }),
  );
}

describe('ferry demo', () => {
  let dir: string;
  let run: FerryRun;
  let jsonDir: string;
  let jsonRun: FerryRun;

  beforeAll(async () => {
    const parent = await tempDir('ferry-demo-');
    dir = join(parent, 'demo');
    jsonDir = join(parent, 'demo-json');
    [run, jsonRun] = await Promise.all([
      runFerry(['demo', '--dir', dir], { timeoutMs: 300_000 }),
      runFerry(['demo', '--dir', jsonDir, '--json'], { timeoutMs: 300_000 }),
    ]);
  }, 320_000);

  it('tells the story: first builds, a failure that keeps consistent back, the fix, a diff', () => {
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/Stage 1\/4: initial[\s\S]*5 builds queued: common, /);
    expect(out).toMatch(
      /ferry-demo-server +[0-9a-f]{7} new commit +FAILED[^\n]*\n[^\n]*\n +install: cannot stat 'conf\/server\.conf'/,
    );
    expect(out).toMatch(
      /ferry-demo-cli +[0-9a-f]{7} new commit +SUCCESS[^\n]*\n[^\n]*\n +consistent stays: ferry-demo-server failing/,
    );
    expect(out).toMatch(/ferry-demo-docs +[0-9a-f]{7} packaging change SUCCESS/);
    expect(out).toMatch(
      /Stage 3\/4: fix[\s\S]*ferry-demo-server +[0-9a-f]{7} new commit +SUCCESS +[\d.]+s +moved component\/tools\/current, component\/tools\/consistent/,
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
    // With the API stage's promotions (DEMO_CANDIDATE, DEMO_PROMOTION).
    expect(report.labels.map((l) => `${l.component}/${l.label}`).sort()).toEqual([
      'base/consistent',
      'base/current',
      'base/demo-ci-passed',
      'base/demo-ci-testing',
      'tools/consistent',
      'tools/current',
      'tools/demo-ci-passed',
      'tools/demo-ci-testing',
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

  it('votes on the consistent aggregate and promotes it over the API, with dlrnapi command lines', async () => {
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain('Stage 4/4: CI votes and promotion over the API');
    expect(out).toContain(`export DLRNAPI_USERNAME=${DEMO_API_USER} DLRNAPI_PASSWORD=<generated>`);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(out)?.[1];
    expect(url).toBeDefined();
    const aggregate = (await readAggregateHash(join(dir, 'repos'), 'consistent'))!;
    expect(aggregate).toMatch(/^[0-9a-f]{32}$/);
    expect(out).toMatch(
      new RegExp(
        `\\[1/6\\] dlrnapi --url ${url} repo-promote-batch --promote-name ${DEMO_CANDIDATE} --hash-pairs [0-9a-f]{7}…_[0-9a-f]{8}…,[0-9a-f]{7}…_[0-9a-f]{8}…\n +POST /api/promote-batch 201: pinned as ${DEMO_CANDIDATE}, aggregate hash ${aggregate}\n`,
      ),
    );
    expect(out).toMatch(
      new RegExp(
        `\\[2/6\\] dlrnapi --url ${url} report-result --agg-hash ${aggregate} --job-id ${DEMO_CI_JOB} .*--success true\n +POST /api/report_result 201: `,
      ),
    );
    expect(out).toMatch(/GET \/api\/agg_status 200: the promoter's check: 1 passing vote \(demo-ci-job\)/);
    expect(out).toMatch(
      new RegExp(
        `\\[5/6\\] dlrnapi .* repo-promote-batch --promote-name ${DEMO_PROMOTION} .*\n +POST /api/promote-batch 201: promoted to ${DEMO_PROMOTION}, aggregate hash ${aggregate}\n`,
      ),
    );
    expect(out).toMatch(
      /GET \/api\/promotions 200: base [0-9a-f]{7} by demo-ci, tools [0-9a-f]{7} by demo-ci\n/,
    );
    // The password is never shown: only the placeholder follows a password option or variable.
    expect(out).not.toMatch(/(PASSWORD=|--password |-p )(?!<generated>)/);

    // The server is gone once the demo is over.
    await expect(fetch(`${url!}/api/health`)).rejects.toThrow();

    const consistent = await consistentCommits(dir);
    const workspace = await openWorkspace(dir);
    const store = await openStore(workspace.databaseUrl);
    try {
      const user = await store.getUser(DEMO_API_USER);
      expect(user?.role).toBe('write');
      expect(user?.passwordHash).toMatch(/^\$scrypt\$/);

      const votes = await store.aggregateVotes(aggregate);
      expect(votes.map((v) => [v.ciName, v.ciVote, v.ciInProgress, v.user])).toEqual([
        [DEMO_CI_JOB, true, false, DEMO_API_USER],
      ]);

      const promotions = await store.findPromotions({ promotionName: DEMO_PROMOTION });
      expect(
        promotions
          .map((p) => ({
            component: p.component,
            commitHash: p.commitHash,
            distroHash: p.distroHash,
            aggregateHash: p.aggregateHash,
            user: p.user,
          }))
          .sort((a, b) => a.component!.localeCompare(b.component!)),
      ).toEqual(
        COMPONENTS.map((component, i) => ({
          component,
          ...consistent[i],
          aggregateHash: aggregate,
          user: DEMO_API_USER,
        })),
      );
      expect(await store.findPromotions({ promotionName: DEMO_CANDIDATE })).toHaveLength(2);
    } finally {
      await store.close();
    }

    for (const component of COMPONENTS) {
      const label = join(dir, 'repos', 'component', component, DEMO_PROMOTION);
      expect((await lstat(label)).isSymbolicLink()).toBe(true);
      const consistentLabel = join(dir, 'repos', 'component', component, 'consistent');
      expect(await readlink(label)).toBe(await readlink(consistentLabel));
      expect(await realpath(label)).toBe(await realpath(consistentLabel));
      expect(out).toMatch(
        new RegExp(
          `repos/component/${component}/${DEMO_PROMOTION} +-> repos/component/${component}/${await readlink(consistentLabel)}\n`,
        ),
      );
    }
    expect(await readAggregateHash(join(dir, 'repos'), DEMO_PROMOTION)).toBe(aggregate);
  });

  it('reports the API stage in --json: every request, the vote, the promotions and the labels', async () => {
    expect(jsonRun.code, jsonRun.stderr).toBe(0);
    const report = JSON.parse(jsonRun.stdout) as DemoReport;
    const api = report.api;
    const aggregate = await readAggregateHash(join(jsonDir, 'repos'), 'consistent');
    expect(api.aggregateHash).toBe(aggregate);
    expect(api.steps.map((s) => `${s.request} ${s.status}`)).toEqual([
      'POST /api/promote-batch 201',
      'POST /api/report_result 201',
      'GET /api/agg_status 200',
      'GET /api/promotions 200',
      'POST /api/promote-batch 201',
      'GET /api/promotions 200',
    ]);
    const consistent = await consistentCommits(jsonDir);
    // Full hash pairs in --json (the narrative shortens them), and never a password.
    expect(api.steps[0]!.command).toMatch(/^dlrnapi --url http:\/\/127\.0\.0\.1:\d+ repo-promote-batch /);
    expect(api.steps[0]!.command).toContain(
      `--hash-pairs ${consistent.map((c) => `${c.commitHash}_${c.distroHash}`).join(',')}`,
    );
    for (const step of api.steps) expect(step.command).not.toMatch(/password|-p |-u /i);
    expect(api.vote).toMatchObject({
      aggregateHash: aggregate,
      jobId: DEMO_CI_JOB,
      success: true,
      user: DEMO_API_USER,
    });
    expect(api.promotions.map((p) => [p.component, p.commitHash, p.aggregateHash])).toEqual(
      COMPONENTS.map((c, i) => [c, consistent[i]!.commitHash, aggregate]),
    );
    const consistentLabels = Object.fromEntries(report.labels.map((l) => [l.label, l.snapshot]));
    expect(api.labels).toEqual(
      COMPONENTS.map((c) => ({
        label: `component/${c}/${DEMO_PROMOTION}`,
        snapshot: consistentLabels[`component/${c}/consistent`],
      })),
    );
  });

  it('stops the server when a request of the API stage fails', async () => {
    const workspace = await openWorkspace(dir);
    const store = await openStore(workspace.databaseUrl);
    await store.removeUser(DEMO_API_USER);
    await store.close();
    let printed = '';
    await expect(runApiStage(workspace, (text) => (printed += text), ['base', 'missing'])).rejects.toThrow(
      'GET /repos/component/missing/consistent/commit.yaml answered 404',
    );
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(printed)?.[1];
    expect(url).toBeDefined();
    await expect(fetch(`${url!}/api/health`)).rejects.toThrow();
    expect(printed).not.toContain('server stopped');
    // The stage got as far as adding the user.
    const again = await openStore(workspace.databaseUrl);
    try {
      expect((await again.getUser(DEMO_API_USER))?.role).toBe('write');
    } finally {
      await again.close();
    }
  });
});
