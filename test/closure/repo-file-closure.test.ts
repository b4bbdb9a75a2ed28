/**
 * `ferry repo closure` over what a workspace with components publishes: an
 * aggregate label (`repos/current` holding only `delorean.repo`, one section
 * per component), a `.repo` file on disk or over HTTP. The workspace's own
 * base URL maps to its `repos/` directory (the URL in ferry.yaml is not even
 * reachable here), other URLs are read over HTTP from a server the test
 * starts; the result is compared with the real `dnf repoclosure` on the same
 * repositories.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { machineArch } from '../../src/closure/index.js';
import { renderDeloreanRepo, writeAggregateRepo } from '../../src/layout/index.js';
import { baseArch } from '../../src/rpm/arch.js';
import { exec } from '../../src/util/exec.js';
import { buildRpms } from '../helpers/rpm-factory.js';
import { runFerry } from '../helpers/run-ferry.js';
import { tempDir } from '../helpers/temp-dir.js';
import { pairsOf, parseDnfReport, runDnfRepoclosure } from './dnf-repoclosure.js';

// Never listened on: reading it instead of the workspace's directory fails the test.
const WORKSPACE_BASEURL = 'http://127.0.0.1:9/ferry/repos';

let work: string;
let workspace: string;
let server: Server;
let httpBase: string;
const snapshots: Record<string, string> = {};
const noWorkspace = { FERRY_HOME: '' };

beforeAll(async () => {
  work = await tempDir('ferry-closure-repofile-');
  workspace = join(work, 'ws');
  const reposDir = join(workspace, 'repos');
  const components = {
    base: [{ name: 'agg-lib', version: '1', release: '1', provides: ['agg-cap = 2'] }],
    tools: [
      {
        name: 'agg-app',
        version: '1',
        release: '1',
        requires: ['agg-cap >= 2', 'agg-os-thing', 'agg-missing'],
      },
      { name: 'agg-old', version: '1', release: '1', requires: ['agg-cap < 2'] },
    ],
  };
  await Promise.all(
    Object.entries(components).map(async ([component, specs], i) => {
      const sharded = `component/${component}/a${i}/cd/a${i}cd${'0'.repeat(36)}_1234567${i}`;
      snapshots[component] = join(reposDir, sharded);
      await buildRpms(specs, snapshots[component]);
      await exec('createrepo_c', ['-q', snapshots[component]]);
      await mkdir(join(reposDir, 'component', component, 'current'), { recursive: true });
      await writeFile(
        join(reposDir, 'component', component, 'current', 'delorean.repo'),
        renderDeloreanRepo({
          projectName: specs[0]!.name,
          commitHash: `a${i}cd`,
          baseurl: WORKSPACE_BASEURL,
          shardedDir: sharded,
          component,
        }),
      );
    }),
  );
  await writeAggregateRepo(reposDir, 'current', ['base', 'tools']);
  await writeFile(join(workspace, 'ferry.yaml'), `baseurl: ${WORKSPACE_BASEURL}/\n`);

  // The "OS": a repository served over HTTP under $basearch, named by a .repo file served too.
  const os = join(work, 'http', 'os', baseArch(machineArch()));
  await buildRpms([{ name: 'agg-os', version: '1', release: '1', provides: ['agg-os-thing'] }], os);
  await exec('createrepo_c', ['-q', os]);
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const stream = createReadStream(join(work, 'http', path));
    stream.on('error', () => response.writeHead(404).end());
    stream.on('open', () => stream.pipe(response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(
    join(work, 'http', 'os.repo'),
    `[os]\nname=OS\nbaseurl=${httpBase}/os/$basearch/\ngpgcheck=0\n\n` +
      `[os-debug]\nbaseurl=${httpBase}/not-there/\nenabled=0\n`,
  );
}, 600_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const EXPECTED = {
  unresolved: [
    { package: 'agg-app-1-1.noarch', repo: 'delorean-component-tools', dependencies: ['agg-missing'] },
    { package: 'agg-old-1-1.noarch', repo: 'delorean-component-tools', dependencies: ['agg-cap < 2'] },
  ],
};

describe('ferry repo closure over .repo files and aggregate labels', () => {
  it("checks an aggregate label's components in its workspace, as dnf repoclosure does", async () => {
    const run = await runFerry(
      ['repo', 'closure', '--json', 'repos/current', '--lookaside', `${httpBase}/os.repo`],
      { cwd: workspace, env: noWorkspace },
    );
    const dnf = await runDnfRepoclosure(
      [
        { id: 'delorean-component-base', path: snapshots.base! },
        { id: 'delorean-component-tools', path: snapshots.tools! },
        { id: 'os', url: `${httpBase}/os/${baseArch(machineArch())}/` },
      ],
      { check: ['delorean-component-base', 'delorean-component-tools'] },
    );

    expect([run.code, run.stderr]).toEqual([1, '']);
    expect(JSON.parse(run.stdout)).toEqual(EXPECTED);
    expect(dnf.exitCode).toBe(1);
    expect(pairsOf(EXPECTED)).toEqual(parseDnfReport(dnf.stdout));
  });

  it('finds the workspace holding the .repo file, or takes --workspace', async () => {
    const elsewhere = await tempDir('ferry-closure-elsewhere-');
    const lookaside = ['--lookaside', `${httpBase}/os.repo`];
    const copy = join(elsewhere, 'copy.repo');
    await copyFile(join(workspace, 'repos/current/delorean.repo'), copy);

    const byPath = await runFerry(
      ['repo', 'closure', '--json', join(workspace, 'repos/current'), ...lookaside],
      {
        cwd: elsewhere,
        env: noWorkspace,
      },
    );
    const byFile = await runFerry(
      ['repo', 'closure', '--json', join(workspace, 'repos/current/delorean.repo'), ...lookaside],
      { cwd: elsewhere, env: noWorkspace },
    );
    const explicit = await runFerry(
      ['repo', 'closure', '--json', '--workspace', workspace, copy, ...lookaside],
      {
        cwd: elsewhere,
        env: noWorkspace,
      },
    );
    const home = await runFerry(['repo', 'closure', '--json', copy, ...lookaside], {
      cwd: elsewhere,
      env: { FERRY_HOME: workspace },
    });
    const none = await runFerry(['repo', 'closure', copy, ...lookaside], {
      cwd: elsewhere,
      env: noWorkspace,
    });

    for (const run of [byPath, byFile, explicit, home]) {
      expect([run.code, run.stderr]).toEqual([1, '']);
      expect(JSON.parse(run.stdout)).toEqual(EXPECTED);
    }
    // Outside any workspace the URLs are read where they point: here, nowhere.
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^error: cannot fetch http:\/\/127\.0\.0\.1:9\/ferry\/repos\/component\/(base|tools)\/.*\/repodata\/repomd\.xml: /,
    );
  });

  it('refuses an id for a .repo file and a directory with several .repo files', async () => {
    const several = join(await tempDir('ferry-closure-several-'), 'label');
    await mkdir(several);
    await writeFile(join(several, 'a.repo'), '[a]\nbaseurl=/srv/a\n');
    await writeFile(join(several, 'b.repo'), '[b]\nbaseurl=/srv/b\n');

    const named = await runFerry(['repo', 'closure', 'x,repos/current'], { cwd: workspace });
    const ambiguous = await runFerry(['repo', 'closure', several], { cwd: workspace });

    expect([named.code, named.stderr]).toEqual([
      2,
      `error: x,repos/current: ${join(workspace, 'repos/current/delorean.repo')} is a .repo file, whose sections name its repositories: give it without ID,\n`,
    ]);
    expect([ambiguous.code, ambiguous.stderr]).toEqual([
      2,
      `error: ${several} has no repodata/ and several .repo files (a.repo, b.repo): name one\n`,
    ]);
  });
});
