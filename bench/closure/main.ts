/**
 * Closure benchmark: `ferry repo closure` beside `dnf repoclosure` (fresh
 * cache every run) and libsolv's `installcheck`, end to end as a user runs
 * them (process start to exit), on make-corpus.sh corpora of 3,000 and
 * 20,000 packages with broken dependencies. ferry runs twice: over
 * createrepo_c's repodata (XML path) and over repodata `ferry repo index`
 * wrote (dependency index path). Also times the in-process "what breaks"
 * call for one replaced package.
 *
 * Corpora and repodata are cached under .bench-cache/closure/ (the 20,000
 * corpus takes about 16 minutes to build on 2 idle cores).
 *
 * usage: npx tsx bench/closure/main.ts [--sizes 3000,20000] [--runs N] [--broken K]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { dnfGlobalArgs } from '../../test/helpers/dnf.js';
import { EXTRA_CA, WITHOUT_EXTRA_CA } from '../lib/node-env.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = join(ROOT, '.bench-cache', 'closure');
const MAKE_CORPUS = resolve(ROOT, '../shared/tools/make-corpus.sh');

interface Sample {
  readonly ms: number;
  readonly maxRssKb: number;
  readonly code: number;
  readonly stdout: string;
}

/** Wall time and peak RSS of one process, through GNU time. */
function timeProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Sample {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const lines = result.stderr.trim().split('\n');
  return { ms, maxRssKb: Number(lines.at(-1)), code: result.status ?? -1, stdout: result.stdout };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function corpus(size: number, broken: number): Promise<string> {
  const dir = join(CACHE, `c${size}`);
  if (existsSync(dir)) return dir;
  process.stderr.write(`building a ${size}-package corpus in ${dir} (cached for later runs)...\n`);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  const run = spawnSync(
    MAKE_CORPUS,
    ['--seed', String(size), '--broken', String(broken), String(size), tmp],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) throw new Error(`make-corpus.sh failed (${run.status})`);
  await rename(tmp, dir);
  return dir;
}

/** A directory of hard links to the corpus RPMs with repodata written by `tool` (cached). */
async function repoWith(tool: 'createrepo_c' | 'ferry', rpmDir: string, size: number): Promise<string> {
  const dir = join(CACHE, `${tool === 'ferry' ? 'ferry' : 'xml'}-${size}`);
  if (existsSync(join(dir, 'repodata', 'repomd.xml'))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(rpmDir))
    if (name.endsWith('.rpm')) await link(join(rpmDir, name), join(dir, name));
  const run =
    tool === 'ferry'
      ? spawnSync(process.execPath, [join(ROOT, 'bin/ferry.js'), 'repo', 'index', dir], { stdio: 'inherit' })
      : spawnSync('createrepo_c', ['-q', dir], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`${tool} failed on ${dir}`);
  return dir;
}

async function dnfRun(repo: string): Promise<Sample> {
  const state = await mkdtemp(join(tmpdir(), 'ferry-bench-dnf-'));
  try {
    return timeProcess(
      'dnf',
      [...dnfGlobalArgs(state, [{ id: 'bench', path: repo }], { plugins: ['repoclosure'] }), 'repoclosure'],
      { ...process.env, LC_ALL: 'C.UTF-8' },
    );
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}

function ferryRun(repo: string, env: NodeJS.ProcessEnv = process.env): Sample {
  return timeProcess(
    process.execPath,
    [join(ROOT, 'bin/ferry.js'), 'repo', 'closure', '--json', `bench,${repo}`],
    env,
  );
}

function installcheckRun(repo: string): Sample {
  const primary = spawnSync('sh', ['-c', `ls ${repo}/repodata/*-primary.xml.gz`], {
    encoding: 'utf8',
  }).stdout.trim();
  return timeProcess('installcheck', ['x86_64', primary]);
}

function unresolvedCount(stdout: string): number {
  return (JSON.parse(stdout) as { unresolved: { dependencies: string[] }[] }).unresolved.reduce(
    (sum, u) => sum + u.dependencies.length,
    0,
  );
}

function dnfUnresolvedCount(stdout: string): number {
  return stdout.split('\n').filter((line) => line.startsWith('    ')).length;
}

interface Row {
  readonly what: string;
  readonly ms: number;
  readonly maxRssKb: number;
  readonly note: string;
}

function printRows(size: number, rows: readonly Row[], dnfMs: number): void {
  process.stdout.write(`\n== ${size} packages\n`);
  process.stdout.write(
    `${'what'.padEnd(44)}${'median'.padStart(10)}${'dnf/this'.padStart(10)}${'peak RSS'.padStart(11)}  note\n`,
  );
  for (const row of rows) {
    const ratio = row.ms > 0 ? `${(dnfMs / row.ms).toFixed(2)}x` : '';
    const rss = row.maxRssKb > 0 ? `${(row.maxRssKb / 1024).toFixed(0)} MiB` : '';
    process.stdout.write(
      `${row.what.padEnd(44)}${`${row.ms.toFixed(row.ms < 10 ? 2 : 0)} ms`.padStart(10)}${ratio.padStart(10)}${rss.padStart(11)}  ${row.note}\n`,
    );
  }
}

async function benchSize(size: number, runs: number, broken: number): Promise<void> {
  const rpms = await corpus(size, broken);
  const [xml, ferryRepo] = await Promise.all([
    repoWith('createrepo_c', rpms, size),
    repoWith('ferry', rpms, size),
  ]);
  const samples: Record<'dnf' | 'xml' | 'index' | 'indexNoCa' | 'installcheck', Sample[]> = {
    dnf: [],
    xml: [],
    index: [],
    indexNoCa: [],
    installcheck: [],
  };
  // Interleaved, so a burst of load from elsewhere hits every tool alike.
  for (let i = 0; i < runs; i++) {
    samples.dnf.push(await dnfRun(xml));
    samples.xml.push(ferryRun(xml));
    samples.index.push(ferryRun(ferryRepo));
    if (EXTRA_CA) samples.indexNoCa.push(ferryRun(ferryRepo, WITHOUT_EXTRA_CA));
    samples.installcheck.push(installcheckRun(xml));
  }
  const med = (list: Sample[]): number => median(list.map((s) => s.ms));
  const rss = (list: Sample[]): number => Math.max(...list.map((s) => s.maxRssKb));
  const dnfDeps = dnfUnresolvedCount(samples.dnf[0]!.stdout);
  const xmlDeps = unresolvedCount(samples.xml[0]!.stdout);
  const indexDeps = unresolvedCount(samples.index[0]!.stdout);
  const breaks = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/closure/what-breaks.ts'), ferryRepo],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (breaks.status !== 0) throw new Error(`what-breaks measurement failed:\n${breaks.stderr}`);
  const wb = JSON.parse(breaks.stdout) as {
    openMs: number;
    firstMs: number;
    medianMs: number;
    package: string;
    broken: number;
  };
  const dnfMs = med(samples.dnf);
  printRows(
    size,
    [
      {
        what: 'dnf repoclosure (fresh cache)',
        ms: dnfMs,
        maxRssKb: rss(samples.dnf),
        note: `${dnfDeps} unresolved`,
      },
      {
        what: 'ferry repo closure, createrepo_c repodata',
        ms: med(samples.xml),
        maxRssKb: rss(samples.xml),
        note: `${xmlDeps} unresolved (XML)`,
      },
      {
        what: 'ferry repo closure, ferry repodata',
        ms: med(samples.index),
        maxRssKb: rss(samples.index),
        note: `${indexDeps} unresolved (index)`,
      },
      ...(EXTRA_CA
        ? [
            {
              what: '  the same without NODE_EXTRA_CA_CERTS',
              ms: med(samples.indexNoCa),
              maxRssKb: rss(samples.indexNoCa),
              note: `this environment sets NODE_EXTRA_CA_CERTS=${EXTRA_CA}`,
            },
          ]
        : []),
      {
        what: 'libsolv installcheck (primary only)',
        ms: med(samples.installcheck),
        maxRssKb: rss(samples.installcheck),
        note: 'the limit to approach',
      },
      {
        what: 'what breaks: 1 replaced package, in-process',
        ms: wb.medianMs,
        maxRssKb: 0,
        note: `${wb.package}: ${wb.broken} broken; first call ${wb.firstMs.toFixed(1)} ms (builds the reverse index), pool ${wb.openMs.toFixed(0)} ms`,
      },
    ],
    dnfMs,
  );
  if (dnfDeps !== xmlDeps || dnfDeps !== indexDeps) {
    process.stdout.write(
      `!! unresolved counts differ: dnf ${dnfDeps}, ferry xml ${xmlDeps}, ferry index ${indexDeps}\n`,
    );
    process.exitCode = 1;
  }
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '3000,20000' },
    runs: { type: 'string', default: '5' },
    broken: { type: 'string', default: '10' },
  },
});
if (!existsSync(join(ROOT, 'bin/ferry.js')) || !existsSync(join(ROOT, 'dist'))) {
  process.stderr.write('build first: npm run build\n');
  process.exit(2);
}
process.stdout.write(`closure benchmark (${values.runs} runs each, medians; machine: ${process.arch})\n`);
for (const size of values.sizes.split(',').map(Number))
  await benchSize(size, Number(values.runs), Number(values.broken));
