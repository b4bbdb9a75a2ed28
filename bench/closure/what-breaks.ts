/**
 * In-process "what breaks" timing: opens the pool of a repository (ferry's
 * dependency index), then asks what breaks when one package is replaced by
 * a new version that drops one of its provides. Picks the package whose
 * provides are required by the most others (the expensive case). Prints JSON.
 *
 * usage: npx tsx bench/closure/what-breaks.ts REPO_DIR
 */
import {
  openClosurePool,
  parseRepoSpec,
  whatBreaks,
  type ClosurePackageInput,
} from '../../src/closure/index.js';

const repo = process.argv[2];
if (!repo) throw new Error('usage: what-breaks.ts REPO_DIR');

const opened = performance.now();
const { pool } = await openClosurePool([parseRepoSpec(`bench,${repo}`)]);
const openMs = performance.now() - opened;

// The package whose provides most requires name.
const required = new Map<number, number>();
for (let e = 0; e < pool.reqName.length; e++)
  required.set(pool.reqName[e]!, (required.get(pool.reqName[e]!) ?? 0) + 1);
let best = 0;
let bestScore = -1;
for (let id = 0; id < pool.count; id++) {
  let score = 0;
  for (let e = pool.provStart[id]!; e < pool.provStart[id + 1]!; e++)
    score += required.get(pool.provName[e]!) ?? 0;
  if (score > bestScore) {
    bestScore = score;
    best = id;
  }
}
const name = pool.strings[pool.name[best]!]!;
const provides: { name: string; flags?: 'EQ'; version?: string }[] = [];
for (let e = pool.provStart[best]!; e < pool.provStart[best + 1]!; e++) {
  const provided = pool.strings[pool.provName[e]!]!;
  if (provided !== name) provides.push({ name: provided });
}
// The new build drops its first extra provide and bumps its version.
const candidate: ClosurePackageInput = {
  name,
  epoch: 0,
  version: '999',
  release: '1',
  arch: pool.strings[pool.arch[best]!]!,
  provides: provides.slice(1),
  requires: [],
  files: [],
};

const first = performance.now();
const result = await whatBreaks(pool, { repo: 'bench', candidates: [candidate] });
const firstMs = performance.now() - first;
const times: number[] = [];
for (let i = 0; i < 21; i++) {
  const started = performance.now();
  await whatBreaks(pool, { repo: 'bench', candidates: [candidate] });
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    openMs,
    firstMs,
    medianMs: times[Math.floor(times.length / 2)],
    package: pool.nevra(best),
    broken: result.broken.length,
  }),
);
