/**
 * Child process of bench/chase/main.ts: publishes `runs` new builds of one
 * package into the prepared workspace through the chaser's publish step
 * (the same code `ferry chase` runs after rpmbuild), timing each in-process.
 * Prints {"times": [ms, ...]} on stdout.
 *
 * usage: node --import tsx bench/chase/publish-one.ts WORKSPACE RUNS
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import type * as ChaseLibrary from '../../src/chase/index.js';
import type * as LayoutLibrary from '../../src/layout/index.js';
import type * as StoreLibrary from '../../src/store/index.js';

// The compiled code, as `ferry chase` runs it (npm run build): no TypeScript loader in the timed calls.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { libraryRepodata, publishBuild } = (await import(
  join(ROOT, 'dist/chase/index.js')
)) as typeof ChaseLibrary;
const { DEFAULT_REPONAME } = (await import(join(ROOT, 'dist/layout/index.js'))) as typeof LayoutLibrary;
const { openStore } = (await import(join(ROOT, 'dist/store/index.js'))) as typeof StoreLibrary;
type ChasePackage = ChaseLibrary.ChasePackage;
type PublishContext = ChaseLibrary.PublishContext;

const [root, runsText] = process.argv.slice(2) as [string, string];
const setup = JSON.parse(readFileSync(join(root, 'bench.json'), 'utf8')) as {
  packages: ChasePackage[];
  newPackage: string;
  newFiles: string[];
};
const store = await openStore(`sqlite:${join(root, 'ferry.db')}`);
const ctx: PublishContext = {
  store,
  workspaceRoot: root,
  reposDir: join(root, 'repos'),
  stateDir: join(root, '.ferry'),
  baseurl: 'http://localhost:8080/repos',
  reponame: DEFAULT_REPONAME,
  packages: setup.packages,
  useComponents: false,
  repodata: libraryRepodata,
};
const pkg = setup.packages.find((p) => p.name === setup.newPackage)!;
const times: number[] = [];
for (let i = 0; i < Number(runsText); i++) {
  // What rpmbuild left: the build's RPMs and its log in a work directory (not timed).
  const work = join(root, '.ferry', 'work', `bench-${i}`);
  mkdirSync(work, { recursive: true });
  const files = setup.newFiles.map((f) => {
    const target = join(work, basename(f));
    copyFileSync(f, target);
    return target;
  });
  writeFileSync(join(work, 'rpmbuild.log'), 'rpmbuild output\n');
  const hash = createHash('sha1').update(`${setup.newPackage}-${i}-${process.pid}`).digest('hex');
  const distro = createHash('sha1').update(`distgit-${setup.newPackage}`).digest('hex');

  const start = performance.now();
  const job = await store.startBuild(
    {
      projectName: pkg.name,
      commitHash: hash,
      distroHash: distro,
      commitBranch: 'master',
      dtCommit: 1_700_000_000 + i,
      dtDistro: 1_700_000_000,
      dtExtended: 0,
    },
    { owner: `bench:${process.pid}` },
  );
  await publishBuild(ctx, {
    job: job!,
    pkg,
    status: 'SUCCESS',
    files,
    logs: [join(work, 'rpmbuild.log')],
    notes: 'OK',
  });
  times.push(performance.now() - start);
}
await store.close();
process.stdout.write(`${JSON.stringify({ times })}\n`);
