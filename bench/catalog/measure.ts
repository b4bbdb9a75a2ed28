/**
 * One measurement in a fresh process: `parse` (js-yaml over every .yml file
 * of the catalog directory: the parse-only floor), `load` (ferry's
 * loadCatalog: read, merge, expand, validate) or `yaml` (the `yaml`
 * package's position-aware parse of the same files). Prints JSON with the
 * wall and CPU times in ms (the first run is cold) and the process's peak RSS in kB.
 *
 * usage: npx tsx bench/catalog/measure.ts parse|load|yaml CATALOG_DIR ITERATIONS
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import jsYaml from 'js-yaml';

import { loadCatalog } from '../../src/catalog/index.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

async function once(mode: string, dir: string, files: string[]): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  if (mode === 'parse') {
    for (const file of files) jsYaml.load(readFileSync(file, 'utf8'));
  } else if (mode === 'yaml') {
    const { LineCounter, parseDocument } = await import('yaml');
    for (const file of files) parseDocument(readFileSync(file, 'utf8'), { lineCounter: new LineCounter() });
  } else {
    const load = await loadCatalog(dir);
    if (!load.valid) throw new Error(`catalog invalid: ${load.errors} errors`);
  }
  const cpu = process.cpuUsage(cpuStarted);
  return { wall: performance.now() - started, cpu: (cpu.user + cpu.system) / 1000 };
}

const [mode = 'load', dir = '.', iterations = '5'] = process.argv.slice(2);
const files = yamlFiles(dir);
const times: number[] = [];
const cpuTimes: number[] = [];
for (let i = 0; i < Number(iterations); i++) {
  const { wall, cpu } = await once(mode, dir, files);
  times.push(wall);
  cpuTimes.push(cpu);
}
process.stdout.write(
  `${JSON.stringify({
    mode,
    files: files.map((file) => relative(dir, file)).length,
    bytes: files.reduce((sum, file) => sum + readFileSync(file).length, 0),
    times,
    cpuTimes,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
