/**
 * Catalog loading benchmark: ferry's load time beside the parse-only time
 * (js-yaml over the same files), the `yaml` package's position-aware parse,
 * a cold `ferry catalog validate` process, and distroinfo's get_info() when a
 * distroinfo checkout is given. Each runs in its own process; peak memory is
 * that process's maximum RSS.
 *
 * usage: npx tsx bench/catalog/main.ts [--catalog DIR] [--distroinfo CHECKOUT] [--iterations N]
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { CATALOG_ENTRY_FILES } from '../../src/catalog/index.js';
import { exec } from '../../src/util/exec.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Row {
  readonly what: string;
  /** Wall times, ms; the first is the cold run. */
  readonly times: readonly number[];
  /** CPU times (user + system, all threads), ms, when measured in-process. */
  readonly cpuTimes?: readonly number[];
  readonly maxRssKb: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const MODES: Record<string, string> = {
  parse: 'js-yaml parse only',
  load: 'ferry loadCatalog',
  yaml: 'yaml package parse',
};

async function measure(mode: string, catalog: string, iterations: number) {
  const { stdout } = await exec(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/catalog/measure.ts'), mode, catalog, String(iterations)],
    { cwd: ROOT },
  );
  const result = JSON.parse(stdout) as {
    times: number[];
    cpuTimes: number[];
    maxRssKb: number;
    files: number;
    bytes: number;
  };
  return { what: MODES[mode]!, ...result };
}

/** Wall time and peak RSS of a whole process, through GNU time. */
async function timeProcess(
  command: string,
  args: readonly string[],
): Promise<{ ms: number; maxRssKb: number }> {
  const started = performance.now();
  const result = await exec('/usr/bin/time', ['-f', '%M', command, ...args], { cwd: ROOT });
  const ms = performance.now() - started;
  return { ms, maxRssKb: Number(result.stderr.trim().split('\n').at(-1)) };
}

/** distroinfo's get_info() in a fresh python3, timed inside (YAML parsing included). */
async function distroinfo(
  checkout: string,
  root: string,
  entry: string,
): Promise<{ ms: number; maxRssKb: number }> {
  const script = [
    'import sys, time, types, resource',
    `sys.path.insert(0, ${JSON.stringify(checkout)})`,
    'try:\n    import pbr.version\nexcept ImportError:',
    "    p = types.ModuleType('pbr'); v = types.ModuleType('pbr.version')",
    "    v.VersionInfo = type('VI', (), {'__init__': lambda s, n: None, 'version_string': lambda s: 'x'})",
    "    p.version = v; sys.modules['pbr'] = p; sys.modules['pbr.version'] = v",
    'from distroinfo.info import DistroInfo',
    't = time.time()',
    `DistroInfo(${JSON.stringify(entry)}, local_info=${JSON.stringify(root)}).get_info()`,
    'print((time.time() - t) * 1000, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)',
  ].join('\n');
  const { stdout } = await exec('python3', ['-c', script]);
  const [ms, rss] = stdout.trim().split(/\s+/).map(Number);
  return { ms: ms!, maxRssKb: rss! };
}

function entryOf(catalog: string): { root: string; entry: string } {
  if (!statSync(catalog).isDirectory()) return { root: dirname(catalog), entry: basename(catalog) };
  const entry = CATALOG_ENTRY_FILES.find((file) => existsSync(join(catalog, file)));
  if (!entry) throw new Error(`no catalog entry file in ${catalog}`);
  return { root: catalog, entry };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      catalog: { type: 'string', default: join(ROOT, '../shared/data/rdoinfo') },
      distroinfo: { type: 'string' },
      iterations: { type: 'string', default: '7' },
    },
  });
  const catalog = resolve(values.catalog);
  const iterations = Number(values.iterations);
  if (!existsSync(catalog)) {
    process.stderr.write(`catalog ${catalog} not found (pass --catalog DIR)\n`);
    return 2;
  }
  const { root, entry } = entryOf(catalog);

  const parse = await measure('parse', root, iterations);
  const load = await measure('load', catalog, iterations);
  const rows: Row[] = [parse, load, await measure('yaml', root, Math.min(3, iterations))];

  if (existsSync(join(ROOT, 'dist/cli/main.js'))) {
    const runs: { ms: number; maxRssKb: number }[] = [];
    for (let i = 0; i < Math.min(5, iterations); i++) {
      const args = [join(ROOT, 'bin/ferry.js'), 'catalog', 'validate', '--catalog', catalog];
      runs.push(await timeProcess(process.execPath, args));
    }
    rows.push({
      what: 'ferry catalog validate (process)',
      times: runs.map((run) => run.ms),
      maxRssKb: Math.max(...runs.map((run) => run.maxRssKb)),
    });
  } else {
    process.stdout.write('(dist/ not built: no ferry process timing; run npm run build)\n');
  }

  let distroinfoMedian: number | undefined;
  if (values.distroinfo) {
    const runs: { ms: number; maxRssKb: number }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await distroinfo(resolve(values.distroinfo), root, entry));
    rows.push({
      what: 'distroinfo get_info()',
      times: runs.map((run) => run.ms),
      maxRssKb: Math.max(...runs.map((run) => run.maxRssKb)),
    });
    distroinfoMedian = median(runs.map((run) => run.ms));
  }

  const base = median(parse.times);
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `catalog ${join(root, entry)}: ${parse.files} YAML files, ${mb(parse.bytes)} MB; ${iterations} runs per process ` +
      `(cold = the first); ratio = median wall / js-yaml's\n`,
  );
  process.stdout.write(
    `${'what'.padEnd(34)} ${'median'.padStart(9)} ${'(min)'.padStart(7)} ${'cold'.padStart(8)}  ${'cpu med'.padStart(8)} ${'cpu cold'.padStart(8)}  ratio  peak RSS\n`,
  );
  const ms = (value: number | undefined): string => (value === undefined ? '-' : `${value.toFixed(0)} ms`);
  for (const row of rows) {
    const m = median(row.times);
    const cpu = row.cpuTimes;
    process.stdout.write(
      `${row.what.padEnd(34)} ${ms(m).padStart(9)} ${`(${Math.min(...row.times).toFixed(0)})`.padStart(7)} ` +
        `${ms(row.times[0]).padStart(8)}  ${(cpu ? ms(median(cpu)) : '-').padStart(8)} ${(cpu ? ms(cpu[0]) : '-').padStart(8)}` +
        `  x${(m / base).toFixed(2)}  ${(row.maxRssKb / 1024).toFixed(0)} MB\n`,
    );
  }
  const ferryLoad = median(load.times);
  process.stdout.write(
    `ferry load = parse-only + ${(ferryLoad - base).toFixed(0)} ms (median); cold: ferry ${ms(load.times[0])}, js-yaml ${ms(parse.times[0])}` +
      (distroinfoMedian === undefined
        ? ''
        : `; distroinfo takes x${(distroinfoMedian / ferryLoad).toFixed(1)} ferry's time`) +
      '\n',
  );
  return 0;
}

process.exitCode = await main();
