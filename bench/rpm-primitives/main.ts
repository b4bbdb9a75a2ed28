/**
 * RPM primitives benchmark: ferry's version comparison beside rpm's, side by
 * side on the same generated pairs (cached under .bench-cache/rpm-primitives).
 * rpm runs its C rpmverCmp from its embedded Lua (`rpm.vercmp`, which parses
 * both EVRs), timed inside the Lua loop with os.clock() (CPU time); ferry's
 * loops, from the compiled dist/, are timed in CPU time too, in a separate
 * node process. Peak memory is each process's maximum RSS.
 *
 * usage: npx tsx bench/rpm-primitives/main.ts [--pairs N] [--iterations N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { mutate, randomVersion, seededRandom } from '../../test/helpers/random-versions.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: { pairs: { type: 'string', default: '1000000' }, iterations: { type: 'string', default: '5' } },
});
const count = Number(values.pairs);
const iterations = Number(values.iterations);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const cache = join(ROOT, '.bench-cache/rpm-primitives');
mkdirSync(cache, { recursive: true });
const pairsFile = join(cache, `pairs-${count}.tsv`);
if (!existsSync(pairsFile)) {
  const random = seededRandom(12345);
  const lines: string[] = [];
  while (lines.length < count) {
    const epoch = random() < 0.3 ? `${Math.floor(random() * 3)}:` : '';
    const a = `${epoch}${randomVersion(random)}-${randomVersion(random)}`.replace(/[\t\n]/g, '.');
    const b = random() < 0.7 ? mutate(a, random) : `${randomVersion(random)}-1`;
    // Leading '-' or trailing ':' are not versions rpm.vercmp accepts.
    if (/^-|:$|^:/.test(b) || b === '') continue;
    lines.push(`${a}\t${b}`);
  }
  writeFileSync(pairsFile, `${lines.join('\n')}\n`);
}

// ferry, its own process.
const ferry = JSON.parse(
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/rpm-primitives/measure.ts'), pairsFile, String(iterations)],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  ),
) as Record<'vercmp' | 'evr' | 'satisfies', { ms: number[]; check: number }> & { maxRssKb: number };

// rpm, through GNU time for its peak RSS; the Lua loop times itself.
const script = join(cache, 'vercmp.lua');
writeFileSync(
  script,
  [
    'local pairs_a, pairs_b, n = {}, {}, 0',
    `for line in io.lines(${JSON.stringify(pairsFile)}) do`,
    '  local a, b = line:match("^(.-)\\t(.*)$")',
    '  n = n + 1; pairs_a[n] = a; pairs_b[n] = b',
    'end',
    'local times, sum = {}, 0',
    `for it = 1, ${iterations} do`,
    '  local t = os.clock(); sum = 0',
    '  for i = 1, n do sum = sum + rpm.vercmp(pairs_a[i], pairs_b[i]) end',
    '  times[#times + 1] = string.format("%.3f", (os.clock() - t) * 1000)',
    'end',
    'print(table.concat(times, ",") .. " " .. sum)',
  ].join('\n'),
);
const rpmRun = spawnSync(
  '/usr/bin/time',
  ['-f', '%M', 'rpm', '--eval', `%{lua: dofile(${JSON.stringify(script)})}`],
  {
    encoding: 'utf8',
  },
);
if (rpmRun.status !== 0) throw new Error(`rpm failed: ${rpmRun.stderr}`);
const [rpmTimes = '', rpmSum = ''] = rpmRun.stdout.trim().split(' ');
const rpmMs = rpmTimes.split(',').map(Number);
const rpmRssKb = Number(rpmRun.stderr.trim().split('\n').at(-1));

if (Number(rpmSum) !== ferry.evr.check) {
  throw new Error(`results differ: rpm sum ${rpmSum}, ferry compareEvr sum ${ferry.evr.check}`);
}

const rpmMedian = median(rpmMs);
const rows = [
  ['rpm rpm.vercmp (rpmverParse + rpmverCmp, C via Lua)', rpmMedian, rpmRssKb],
  ['ferry parseEvr + compareEvr', median(ferry.evr.ms), ferry.maxRssKb],
  ['ferry rpmvercmp (whole string as a version)', median(ferry.vercmp.ms), ferry.maxRssKb],
  ['ferry evrSatisfies (pre-parsed, EQ vs GE)', median(ferry.satisfies.ms), ferry.maxRssKb],
] as const;
process.stdout.write(`${count} pairs, median of ${iterations} iterations (same results checked)\n`);
process.stdout.write(
  `${'what'.padEnd(54)} ${'ms'.padStart(9)} ${'ns/pair'.padStart(8)} ${'vs rpm'.padStart(7)} ${'peak RSS'.padStart(10)}\n`,
);
for (const [what, ms, rss] of rows) {
  process.stdout.write(
    `${what.padEnd(54)} ${ms.toFixed(1).padStart(9)} ${((ms * 1e6) / count).toFixed(0).padStart(8)} ${(ms / rpmMedian).toFixed(2).padStart(6)}x ${`${(rss / 1024).toFixed(0)} MiB`.padStart(10)}\n`,
  );
}
