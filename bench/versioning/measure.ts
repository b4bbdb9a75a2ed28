/**
 * One measurement in a fresh process: ferry's upstreamVersion() of the HEAD
 * of REPO, ITERATIONS times. Prints JSON with the version, the times in ms
 * and the process's peak RSS in kB.
 *
 * usage: npx tsx bench/versioning/measure.ts REPO ITERATIONS
 */
import { upstreamVersion } from '../../src/build/index.js';
import { resolveCommit } from '../../src/vcs/index.js';

const [repo = '.', iterations = '5'] = process.argv.slice(2);
const head = await resolveCommit(repo, 'HEAD');
const times: number[] = [];
let version = '';
for (let i = 0; i < Number(iterations); i++) {
  const started = performance.now();
  version = (await upstreamVersion(repo, head)).upstreamVersion;
  times.push(performance.now() - started);
}
process.stdout.write(`${JSON.stringify({ version, times, maxRssKb: process.resourceUsage().maxRSS })}\n`);
