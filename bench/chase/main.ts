/**
 * Chaser benchmark: one new build published into a snapshot of N binary
 * RPMs (default 500, ~200 KiB each), against createrepo_c with default
 * options over the same RPMs, which is what DLRN runs for every build.
 *
 * ferry's side is everything after rpmbuild: the build job, links to every
 * other package's newest RPMs, repodata derived from the previous snapshot's
 * metadata (only the new RPMs are read), versions.csv, delorean.repo,
 * commit.yaml, the database transaction (commit and `consistent` vote) and
 * the `current`/`consistent` labels. It runs in a child process under GNU
 * time (peak RSS); the publish itself is timed inside it, repeated.
 *
 * usage: npx tsx bench/chase/main.ts [--runs 15] [--count 500] [--pad-kb 200] [--profile DIR]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { toSnapshotCommit, type ChasePackage } from '../../src/chase/index.js';
import { renderCommitYaml, shardedCommitDir, snapshotDir, switchLabel } from '../../src/layout/index.js';
import { indexRepository } from '../../src/repo/index.js';
import { dependencyIndexExtension } from '../../src/closure/index.js';
import { openStore } from '../../src/store/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = join(ROOT, '.bench-cache', 'chase');
const MAKE_CORPUS = resolve(ROOT, '../shared/tools/make-corpus.sh');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    count: { type: 'string', default: '500' },
    'pad-kb': { type: 'string', default: '200' },
    /** Directory for a V8 CPU profile of the publishing process. */
    profile: { type: 'string' },
  },
});
const runs = Number(values.runs);
const count = Number(values.count);
const padKb = Number(values['pad-kb']);

interface Timed {
  readonly seconds: number;
  readonly maxRssKb: number;
  readonly stdout: string;
}

function timed(command: string, args: readonly string[]): Timed {
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', command, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const match = /@@time ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !match)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return { seconds: Number(match[1]), maxRssKb: Number(match[2]), stdout: result.stdout };
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** The corpus (N binary RPMs from many source packages) and one extra package, built once. */
function corpus(): { dir: string; holdout: string; manifest: string } {
  const dir = join(CACHE, `corpus-${count}-pad${padKb}`);
  const holdout = `${dir}-holdout`;
  const manifest = `${dir}.tsv`;
  if (!existsSync(join(dir, '.complete'))) {
    console.log(`building a corpus of ${count} RPMs in ${dir} (once; takes minutes)...`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(holdout, { recursive: true, force: true });
    const pad = padKb > 0 ? ['--pad-kb', String(padKb)] : [];
    execFileSync(MAKE_CORPUS, ['--holdout', holdout, '--manifest', manifest, ...pad, String(count), dir], {
      stdio: 'inherit',
    });
    writeFileSync(join(dir, '.complete'), '');
  }
  return { dir, holdout, manifest };
}

const pkgOf = (name: string): ChasePackage => ({
  name,
  project: name,
  upstream: `https://example.invalid/${name}`,
  distgit: `https://example.invalid/${name}-distgit`,
  sourceBranch: 'master',
  distroBranch: 'rpm-master',
  distgitPath: '',
  component: null,
  maintainers: [],
  tagsOnly: false,
});

/**
 * A workspace as a chaser leaves it: one successful build per source package
 * (its RPMs in its own snapshot directory), and the newest snapshot (links to
 * everything, repodata, labels) as `current` and `consistent`.
 */
async function prepareWorkspace(c: { dir: string; holdout: string; manifest: string }): Promise<string> {
  const root = join(CACHE, 'work', `ws-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'repos'), { recursive: true });
  const bySource = new Map<string, string[]>();
  for (const line of readFileSync(c.manifest, 'utf8').split('\n').slice(1)) {
    const [name, , version, release, arch, source] = line.split('\t');
    if (!name || !source || arch === 'src') continue;
    const file = `${name}-${version}-${release}.${arch}.rpm`;
    if (!existsSync(join(c.dir, file))) continue;
    bySource.set(source, [...(bySource.get(source) ?? []), file]);
  }
  const holdoutFiles = readdirSync(c.holdout).filter((f) => f.endsWith('.rpm'));
  const newPackage = 'bench-new-package';
  const packages = [...[...bySource.keys()].sort().map(pkgOf), pkgOf(newPackage)];
  const store = await openStore(`sqlite:${join(root, 'ferry.db')}`);
  let last: Awaited<ReturnType<typeof store.recordCommit>> | undefined;
  const allFiles: { name: string; artifact: string }[] = [];
  let t = 1_700_000_000;
  for (const [source, files] of [...bySource].sort()) {
    const ref = {
      commitHash: sha1(source),
      distroHash: sha1(`${source}-distgit`),
      extendedHash: null,
      component: null,
    };
    const dir = snapshotDir(join(root, 'repos'), ref);
    mkdirSync(dir, { recursive: true });
    for (const f of files) linkSync(join(c.dir, f), join(dir, f));
    const artifacts = files.map((f) => `repos/${shardedCommitDir(ref)}/${f}`);
    allFiles.push(...files.map((f, i) => ({ name: f, artifact: artifacts[i]! })));
    last = await store.recordCommit({
      projectName: source,
      commitHash: ref.commitHash,
      distroHash: ref.distroHash,
      commitBranch: 'master',
      status: 'SUCCESS',
      dtCommit: t,
      dtDistro: t,
      dtExtended: 0,
      dtBuild: (t += 60),
      artifacts,
      notes: 'OK',
    });
  }
  // The newest snapshot links every other package's RPMs and has its repodata (with ferry's cache).
  const current = snapshotDir(join(root, 'repos'), last!);
  const own = new Set(readdirSync(current));
  for (const { name, artifact } of allFiles) {
    if (!own.has(name))
      execFileSync('ln', ['-s', `../../../${artifact.slice('repos/'.length)}`, join(current, name)]);
  }
  // As the chaser writes snapshot repodata: with the closure's dependency index.
  await indexRepository(current, { extensions: [dependencyIndexExtension()] });
  writeFileSync(join(current, 'commit.yaml'), renderCommitYaml(toSnapshotCommit(last!)));
  await store.recordVote({
    commitId: last!.id,
    ciName: 'consistent',
    ciVote: true,
    timestamp: last!.dtBuild!,
  });
  for (const label of ['current', 'consistent']) await switchLabel(join(root, 'repos'), label, last!);
  await store.close();
  writeFileSync(
    join(root, 'bench.json'),
    JSON.stringify({ packages, newPackage, newFiles: holdoutFiles.map((f) => join(c.holdout, f)) }),
  );
  return root;
}

async function main(): Promise<void> {
  const c = corpus();
  const root = await prepareWorkspace(c);

  const ferry = timed('node', [
    ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
    '--import',
    'tsx',
    join(ROOT, 'bench/chase/publish-one.ts'),
    root,
    String(runs),
  ]);
  const times = (JSON.parse(ferry.stdout) as { times: number[] }).times;
  // The snapshot the last publish made: the RPM set createrepo_c indexes, in a copy without repodata.
  const db = await openStore(`sqlite:${join(root, 'ferry.db')}`);
  const [newest] = await db.findCommits({ status: 'SUCCESS', limit: 1 });
  await db.close();
  const published = snapshotDir(join(root, 'repos'), newest!);
  const rpms = readdirSync(published).filter((f) => f.endsWith('.rpm'));
  const crDir = join(CACHE, 'work', `createrepo-${process.pid}`);
  const crTimes: Timed[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(crDir, { recursive: true, force: true });
    execFileSync('cp', ['-a', published, crDir]);
    rmSync(join(crDir, 'repodata'), { recursive: true, force: true });
    // Links in the copy point one level off: make them absolute so createrepo_c reads the same files.
    for (const f of readdirSync(crDir)) {
      const path = join(crDir, f);
      const target = spawnSync('readlink', ['-f', join(published, f)], { encoding: 'utf8' }).stdout.trim();
      if (target && target !== join(published, f)) {
        rmSync(path);
        execFileSync('ln', ['-s', target, path]);
      }
    }
    crTimes.push(timed('createrepo_c', [crDir]));
  }
  // A chaser publishes build after build in one process (`ferry chase --loop`, or a run with
  // several commits): the steady figure leaves out the first publish, which also pays the JIT
  // warming up; that one is printed on its own.
  const steady = times.length > 1 ? times.slice(1) : times;
  const ferrySeconds = median(steady) / 1000;
  const crSeconds = median(crTimes.map((t) => t.seconds));
  const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
  const sizeMb = rpms.reduce((sum, f) => sum + readFileSync(join(published, f)).length, 0) / 1024 / 1024;
  console.log(
    `\nchase: publish one new build into a snapshot of ${rpms.length} binary RPMs (${sizeMb.toFixed(0)} MB), ${runs} runs each, medians (ferry: of runs 2..${runs} in one process)`,
  );
  console.log(
    `  ferry publish (job, links, incremental repodata, files, commit, vote, labels): ${ferrySeconds.toFixed(3)} s` +
      `  [runs: ${times.map((t) => (t / 1000).toFixed(3)).join(' ')}]  peak RSS ${mb(ferry.maxRssKb)} (whole process)`,
  );
  console.log(
    `  createrepo_c ${rpms.length} RPMs (default options, as DLRN runs it):            ${crSeconds.toFixed(3)} s` +
      `  [runs: ${crTimes.map((t) => t.seconds.toFixed(2)).join(' ')}]  peak RSS ${mb(Math.max(...crTimes.map((t) => t.maxRssKb)))}`,
  );
  console.log(`  ratio: ferry is ${(crSeconds / ferrySeconds).toFixed(1)}x faster (target >= 10x)`);
  console.log(
    `  first publish of the process (cold: JIT, caches): ${(times[0]! / 1000).toFixed(3)} s = ${(crSeconds / (times[0]! / 1000)).toFixed(1)}x faster`,
  );
  rmSync(crDir, { recursive: true, force: true });
  if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
}

await main();
