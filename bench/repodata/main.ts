/**
 * Repodata benchmark: ferry beside createrepo_c on the same directories.
 *
 * For each corpus (3,000 small packages; 1,000 packages of realistic size,
 * `--pad-kb 200`), built once by ../shared/tools/make-corpus.sh and cached
 * in .bench-cache/:
 * ferry runs as users run it, through bin/ferry (which starts node without
 * NODE_EXTRA_CA_CERTS for `repo index`, see there); where this environment
 * sets that variable, `node bin/ferry.js` (which pays for it) has a row too.
 * - full index: `ferry repo index` vs `createrepo_c --no-database` (the fair
 *   pair: ferry writes no sqlite) and plain `createrepo_c`;
 * - add one package (the corpus' holdout): `ferry repo index --update` vs
 *   `createrepo_c --update --no-database`, and the library call the chaser
 *   makes (updateRepodata with the dependency index extension), timed inside
 *   a fresh process (cold) and repeated within one process (warm).
 * Every process is timed by GNU time (wall seconds and peak RSS); each
 * measurement is repeated and the median printed.
 *
 * usage: npx tsx bench/repodata/main.ts [--runs N] [--only small|realistic]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXTRA_CA } from '../lib/node-env.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = join(ROOT, '.bench-cache');
const MAKE_CORPUS = resolve(ROOT, '../shared/tools/make-corpus.sh');
/** The command users run (npm link) and the node script it starts. */
const FERRY = join(ROOT, 'bin/ferry');
const FERRY_JS = join(ROOT, 'bin/ferry.js');

interface Corpus {
  readonly id: 'small' | 'realistic';
  readonly label: string;
  readonly count: number;
  readonly padKb: number;
}

const CORPORA: readonly Corpus[] = [
  { id: 'small', label: '3,000 small packages', count: 3000, padKb: 0 },
  { id: 'realistic', label: '1,000 packages of ~200 KiB', count: 1000, padKb: 200 },
];

interface Timed {
  readonly seconds: number;
  /** User + system CPU seconds of the process (all its threads). */
  readonly cpu: number;
  readonly maxRssKb: number;
  readonly stdout: string;
}

/** Runs a process under GNU time: wall seconds and peak RSS. */
function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const result = spawnSync('/usr/bin/time', ['-f', '@@time %e %M %U %S', command, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const match = /@@time ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(result.stderr);
  if (result.status !== 0 || !match) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  return {
    seconds: Number(match[1]),
    maxRssKb: Number(match[2]),
    cpu: Number(match[3]) + Number(match[4]),
    stdout: result.stdout,
  };
}

function median<T>(values: readonly T[], key: (v: T) => number): T {
  return [...values].sort((a, b) => key(a) - key(b))[Math.floor(values.length / 2)]!;
}

/** Builds (once) the corpus and its holdout package. */
function corpusDirs(corpus: Corpus): { dir: string; holdout: string } {
  const dir = join(CACHE, `${corpus.id}-${corpus.count}`);
  const holdout = `${dir}-holdout`;
  if (!existsSync(join(dir, '.complete'))) {
    console.log(`building corpus ${corpus.label} in ${dir} (once; takes minutes)...`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(holdout, { recursive: true, force: true });
    const args = ['--holdout', holdout, ...(corpus.padKb ? ['--pad-kb', String(corpus.padKb)] : [])];
    execFileSync(MAKE_CORPUS, [...args, String(corpus.count), dir], { stdio: 'inherit' });
    execFileSync('touch', [join(dir, '.complete')]);
  }
  return { dir, holdout };
}

/** A fresh copy (same mtimes) of the corpus to index. */
function workCopy(source: string, name: string): string {
  const dir = join(CACHE, 'work', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  execFileSync('cp', ['-a', source, dir]);
  rmSync(join(dir, '.complete'), { force: true });
  return dir;
}

interface Row {
  readonly what: string;
  readonly seconds: number;
  readonly cpu?: number;
  readonly maxRssKb: number;
  readonly note?: string;
}

function repeat(runs: number, prepare: () => void, run: () => Timed): Timed {
  const results: Timed[] = [];
  for (let i = 0; i < runs; i++) {
    prepare();
    results.push(run());
  }
  return median(results, (r) => r.seconds);
}

function benchCorpus(corpus: Corpus, runs: number): Row[] {
  const { dir, holdout } = corpusDirs(corpus);
  const extra = readdirSync(holdout).find((name) => name.endsWith('.rpm'))!;
  const rows: Row[] = [];
  const ferryDir = workCopy(dir, `${corpus.id}-ferry`);
  const crDir = workCopy(dir, `${corpus.id}-createrepo`);
  const clean = (d: string) => () => rmSync(join(d, 'repodata'), { recursive: true, force: true });

  // Full index.
  const ferryFull = repeat(runs, clean(ferryDir), () => timed(FERRY, ['repo', 'index', ferryDir]));
  const crFull = repeat(runs, clean(crDir), () => timed('createrepo_c', ['--no-database', '--quiet', crDir]));
  const crFullDb = repeat(runs, clean(crDir), () => timed('createrepo_c', ['--quiet', crDir]));
  rows.push({ what: 'full index: ferry repo index', ...ferryFull });
  rows.push({ what: 'full index: createrepo_c --no-database', ...crFull });
  rows.push({ what: 'full index: createrepo_c (with sqlite)', ...crFullDb });

  // Add one package: each run starts from the full metadata of the corpus, then the holdout appears.
  const setUp = (d: string, tool: 'ferry' | 'createrepo') => () => {
    rmSync(join(d, extra), { force: true });
    clean(d)();
    if (tool === 'ferry') timed(FERRY, ['repo', 'index', d]);
    else timed('createrepo_c', ['--no-database', '--quiet', d]);
    cpSync(join(holdout, extra), join(d, extra), { preserveTimestamps: true });
  };
  const ferryUpdate = repeat(runs, setUp(ferryDir, 'ferry'), () =>
    timed(FERRY, ['repo', 'index', '--update', ferryDir]),
  );
  const crUpdate = repeat(runs, setUp(crDir, 'createrepo'), () =>
    timed('createrepo_c', ['--update', '--no-database', '--quiet', crDir]),
  );
  rows.push({ what: 'add one: ferry repo index --update', ...ferryUpdate });
  if (EXTRA_CA) {
    const direct = repeat(runs, setUp(ferryDir, 'ferry'), () =>
      timed('node', [FERRY_JS, 'repo', 'index', '--update', ferryDir]),
    );
    rows.push({
      what: 'add one:   the same as node bin/ferry.js',
      ...direct,
      note: `node loads NODE_EXTRA_CA_CERTS=${EXTRA_CA} first`,
    });
  }
  rows.push({ what: 'add one: createrepo_c --update --no-database', ...crUpdate });

  // The library call: in a fresh process (cold), and repeated in one process (warm).
  const cold = repeat(runs, setUp(ferryDir, 'ferry'), () =>
    timed('node', ['--import', 'tsx', join(ROOT, 'bench/repodata/add-one.ts'), ferryDir, extra, '1']),
  );
  const coldInCall = JSON.parse(cold.stdout) as { times: number[] };
  rows.push({
    what: 'add one: updateRepodata(), fresh process',
    seconds: coldInCall.times[0]! / 1000,
    maxRssKb: cold.maxRssKb,
    note: `in-call time, with the dependency index as the chaser calls it; whole process ${cold.seconds.toFixed(2)} s, ${cold.cpu.toFixed(2)} cpu s`,
  });
  setUp(ferryDir, 'ferry')();
  const warm = timed('node', [
    '--import',
    'tsx',
    join(ROOT, 'bench/repodata/add-one.ts'),
    ferryDir,
    extra,
    String(Math.max(runs, 5)),
  ]);
  const warmTimes = (JSON.parse(warm.stdout) as { times: number[] }).times.slice(1);
  rows.push({
    what: 'add one: updateRepodata(), warm process',
    seconds: median(warmTimes, (t) => t) / 1000,
    maxRssKb: warm.maxRssKb,
    note: `in-call time, with the dependency index, median of ${warmTimes.length}`,
  });
  return rows;
}

function printTable(corpus: Corpus, rows: readonly Row[]): void {
  const find = (prefix: string) => rows.find((r) => r.what.startsWith(prefix))!;
  const ratio = (a: Row, b: Row) => `${(a.seconds / b.seconds).toFixed(2)}x`;
  console.log(`\n== ${corpus.label}`);
  console.log(
    `${'what'.padEnd(48)} ${'seconds'.padStart(8)} ${'cpu s'.padStart(7)} ${'peak RSS'.padStart(10)}  note`,
  );
  for (const row of rows) {
    const cpu = row.cpu === undefined ? '' : row.cpu.toFixed(2);
    console.log(
      `${row.what.padEnd(48)} ${row.seconds.toFixed(3).padStart(8)} ${cpu.padStart(7)} ${`${(row.maxRssKb / 1024).toFixed(0)} MiB`.padStart(10)}  ${row.note ?? ''}`,
    );
  }
  const fullFerry = find('full index: ferry');
  const fullCr = find('full index: createrepo_c --no-database');
  const updFerry = find('add one: ferry');
  const updCr = find('add one: createrepo_c');
  const lib = find('add one: updateRepodata(), fresh');
  const libWarm = find('add one: updateRepodata(), warm');
  const crDefault = find('full index: createrepo_c (with sqlite)');
  console.log(
    `ratio full index ferry / createrepo_c --no-database: ${ratio(fullFerry, fullCr)} (target <= 1)`,
  );
  console.log(`ratio --update ferry / createrepo_c --update:        ${ratio(updFerry, updCr)} (target < 1)`);
  const direct = rows.find((r) => r.what.startsWith('add one:   the same as node'));
  if (direct) console.log(`  the same as node bin/ferry.js (NODE_EXTRA_CA_CERTS): ${ratio(direct, updCr)}`);
  const ms = (row: Row) => `${(row.seconds * 1000).toFixed(1)} ms`;
  console.log(
    `library add-one / createrepo_c default full run:    warm ${ratio(libWarm, crDefault)} (${ms(libWarm)}), fresh process ${ratio(lib, crDefault)} (${ms(lib)}) (target <= 0.1)`,
  );
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, only: { type: 'string' } },
});
if (!existsSync(join(ROOT, 'dist/repo/index.js'))) {
  console.log('building ferry (npm run build)...');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
console.log(`createrepo_c: ${execFileSync('createrepo_c', ['--version'], { encoding: 'utf8' }).trim()}`);
console.log(
  `node ${process.version}, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, load ${readLoad()}`,
);
for (const corpus of CORPORA) {
  if (values.only && values.only !== corpus.id) continue;
  printTable(corpus, benchCorpus(corpus, Number(values.runs)));
}
console.log(`\nload at the end: ${readLoad()}`);

function readLoad(): string {
  return execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
}
