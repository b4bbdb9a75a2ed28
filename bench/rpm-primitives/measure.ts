/**
 * One ferry measurement in its own process (so its peak RSS is its own):
 * reads tab-separated pairs, times the comparison loops, prints JSON.
 *
 * usage: node bench/rpm-primitives/measure.ts PAIRS_FILE ITERATIONS  (after tsc: it loads dist/)
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type * as Rpm from '../../src/rpm/index.js';

// The compiled code, as ferry runs (run.sh builds dist/ first).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { compareEvr, evrSatisfies, parseEvr, rpmvercmp } = (await import(
  pathToFileURL(join(ROOT, 'dist/rpm/index.js')).href
)) as typeof Rpm;

const [file = '', iterationsText = '5'] = process.argv.slice(2);
const pairs = readFileSync(file, 'utf8')
  .trimEnd()
  .split('\n')
  .map((line) => line.split('\t') as [string, string]);
const iterations = Number(iterationsText);

/** CPU milliseconds per iteration (rpm's Lua os.clock() is CPU time too; wall time is noise on a busy host). */
function time(loop: () => number): { ms: number[]; check: number } {
  const ms: number[] = [];
  let check = 0;
  for (let i = 0; i < iterations; i++) {
    const started = process.cpuUsage();
    check = loop();
    const used = process.cpuUsage(started);
    ms.push((used.user + used.system) / 1000);
  }
  return { ms, check };
}

const vercmp = time(() => {
  let sum = 0;
  for (const [a, b] of pairs) sum += rpmvercmp(a, b);
  return sum;
});
// rpm.vercmp parses both sides as EVRs (rpmverParse + rpmverCmp): the like-for-like comparison.
const evr = time(() => {
  let sum = 0;
  for (const [a, b] of pairs) sum += compareEvr(parseEvr(a), parseEvr(b));
  return sum;
});
const ranges = pairs.map(
  ([a, b]) =>
    [
      { flags: 'EQ' as const, ...parseEvr(a) },
      { flags: 'GE' as const, ...parseEvr(b) },
    ] as const,
);
const satisfies = time(() => {
  let sum = 0;
  for (const [provide, require] of ranges) sum += evrSatisfies(provide, require) ? 1 : 0;
  return sum;
});

process.stdout.write(JSON.stringify({ vercmp, evr, satisfies, maxRssKb: process.resourceUsage().maxRSS }));
