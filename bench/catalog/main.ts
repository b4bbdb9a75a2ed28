/**
 * Catalog loading benchmark: ferry's load time beside the parse-only time
 * (js-yaml over the same files), the `yaml` package's position-aware parse,
 * a cold `ferry catalog validate` process, and distroinfo's get_info() when a
 * distroinfo checkout is given. Each runs in its own process; peak memory is
 * that process's maximum RSS.
 *
 * usage: npx tsx bench/catalog/main.ts [--catalog DIR] [--distroinfo CHECKOUT] [--iterations N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Row {
  readonly what: string;
  readonly times: readonly number[];
  readonly maxRssKb: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(mode: string, catalog: string, iterations: number): Row & { files: number; bytes: number } {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/catalog/measure.ts'), mode, catalog, String(iterations)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const result = JSON.parse(out) as { times: number[]; maxRssKb: number; files: number; bytes: number };
  const what = { parse: 'js-yaml parse only', load: 'ferry loadCatalog', yaml: 'yaml package parse' }[mode]!;
  return { what, ...result };
}

/** Wall time and peak RSS of a whole process, through GNU time. */
function timeProcess(command: string, args: readonly string[]): { ms: number; maxRssKb: number } {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  return { ms, maxRssKb: Number(lines.at(-1)) };
}

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
  process.exit(2);
}

const parse = measure('parse', catalog, iterations);
const load = measure('load', catalog, iterations);
const yamlRow = measure('yaml', catalog, Math.min(3, iterations));
const rows: Row[] = [parse, load, yamlRow];

if (existsSync(join(ROOT, 'dist/cli/main.js'))) {
  const runs = Array.from({ length: Math.min(5, iterations) }, () =>
    timeProcess(process.execPath, [join(ROOT, 'bin/ferry.js'), 'catalog', 'validate', '--catalog', catalog]),
  );
  rows.push({
    what: 'ferry catalog validate (process)',
    times: runs.map((run) => run.ms),
    maxRssKb: Math.max(...runs.map((run) => run.maxRssKb)),
  });
} else {
  process.stdout.write('(dist/ not built: skipping the ferry process timing; run npm run build)\n');
}

if (values.distroinfo) {
  const script = [
    'import sys, time, types, resource',
    `sys.path.insert(0, ${JSON.stringify(resolve(values.distroinfo))})`,
    'try:\n    import pbr.version\nexcept ImportError:',
    "    p = types.ModuleType('pbr'); v = types.ModuleType('pbr.version')",
    "    v.VersionInfo = type('VI', (), {'__init__': lambda s, n: None, 'version_string': lambda s: 'x'})",
    "    p.version = v; sys.modules['pbr'] = p; sys.modules['pbr.version'] = v",
    'from distroinfo.info import DistroInfo',
    't = time.time()',
    `DistroInfo('rdo-full.yml', local_info=${JSON.stringify(catalog)}).get_info()`,
    'print((time.time() - t) * 1000, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)',
  ].join('\n');
  const runs = Array.from({ length: 3 }, () => {
    const [ms, rss] = execFileSync('python3', ['-c', script], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number);
    return { ms: ms!, maxRssKb: rss! };
  });
  rows.push({
    what: 'distroinfo get_info()',
    times: runs.map((r) => r.ms),
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
  });
}

const base = median(parse.times);
process.stdout.write(
  `catalog ${catalog}: ${parse.files} files, ${(parse.bytes / 1024 / 1024).toFixed(1)} MB; ${iterations} iterations, median (min)\n`,
);
for (const row of rows) {
  const m = median(row.times);
  process.stdout.write(
    `${row.what.padEnd(34)} ${m.toFixed(0).padStart(6)} ms (${Math.min(...row.times)
      .toFixed(0)
      .padStart(5)})  ` +
      `x${(m / base).toFixed(2).padStart(6)} of parse-only  peak RSS ${(row.maxRssKb / 1024).toFixed(0).padStart(4)} MB\n`,
  );
}
const ferryLoad = median(load.times);
process.stdout.write(
  `ferry load vs parse-only: +${(ferryLoad - base).toFixed(0)} ms` +
    (values.distroinfo
      ? `; distroinfo / ferry: x${(median(rows.at(-1)!.times) / ferryLoad).toFixed(1)}`
      : '') +
    '\n',
);
