/**
 * Compares ferry's reading of an rdoinfo catalog with distroinfo's, package by
 * package and field by field: the untagged info (`ferry catalog list --json`
 * against `get_info()`), every tag in use (`ferry catalog list --tag T --json`
 * against `get_info(apply_tag=T)` filtered on T), and the releases.
 *
 * usage: npx tsx bench/catalog/compare-distroinfo.ts DISTROINFO_CHECKOUT [CATALOG]
 * (run bench/catalog/compare-distroinfo.sh, which builds ferry first)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

import { loadCatalog } from '../../src/catalog/index.js';
import { exec } from '../../src/util/exec.js';

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };
type Pkg = { [key: string]: Json };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FERRY_ONLY_FIELDS = ['defined-in', 'effective'];

async function ferry(args: string[]): Promise<Json> {
  const { stdout } = await exec(process.execPath, [join(ROOT, 'bin/ferry.js'), ...args]);
  return JSON.parse(stdout) as Json;
}

function stripFerryFields(pkg: Pkg): Pkg {
  const copy = { ...pkg };
  for (const field of FERRY_ONLY_FIELDS) delete copy[field];
  return copy;
}

interface Tally {
  packages: number;
  identical: number;
  fields: number;
  identicalFields: number;
  differences: string[];
}

function compare(label: string, theirs: Pkg[], ours: Pkg[]): Tally {
  const tally: Tally = { packages: 0, identical: 0, fields: 0, identicalFields: 0, differences: [] };
  const byProject = new Map(ours.map((pkg) => [pkg.project as string, pkg]));
  const seen = new Set<string>();
  for (const expected of theirs) {
    const project = expected.project as string;
    seen.add(project);
    tally.packages++;
    const actual = byProject.get(project);
    if (!actual) {
      tally.differences.push(`${label}: ${project}: missing in ferry`);
      continue;
    }
    let same = true;
    for (const field of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      tally.fields++;
      if (isDeepStrictEqual(expected[field], actual[field])) {
        tally.identicalFields++;
      } else {
        same = false;
        tally.differences.push(
          `${label}: ${project}.${field}: distroinfo ${JSON.stringify(expected[field])} ferry ${JSON.stringify(actual[field])}`,
        );
      }
    }
    if (same) tally.identical++;
  }
  for (const pkg of ours) {
    const project = pkg.project as string;
    if (!seen.has(project)) tally.differences.push(`${label}: ${project}: only in ferry`);
  }
  return tally;
}

async function main(): Promise<number> {
  const [checkout, catalogArg] = process.argv.slice(2);
  if (!checkout) {
    process.stderr.write('usage: compare-distroinfo.ts DISTROINFO_CHECKOUT [CATALOG]\n');
    return 2;
  }
  const catalog = resolve(catalogArg ?? join(ROOT, '../shared/data/rdoinfo'));
  const load = await loadCatalog(catalog);
  const entry = load.catalog.entryFile;
  const root = load.catalog.root;

  const untagged = ((await ferry(['catalog', 'list', '--json', '--catalog', catalog])) as Pkg[]).map(
    stripFerryFields,
  );
  const tags = [...new Set(untagged.flatMap((pkg) => Object.keys((pkg.tags as Pkg | null) ?? {})))].sort();

  const work = mkdtempSync(join(tmpdir(), 'ferry-distroinfo-'));
  try {
    const dump = join(work, 'distroinfo.json');
    await exec('python3', [
      join(ROOT, 'bench/catalog/distroinfo-dump.py'),
      checkout,
      root,
      entry,
      dump,
      ...tags,
    ]);
    const theirs = JSON.parse(readFileSync(dump, 'utf8')) as {
      seconds: number;
      info: { packages: Pkg[]; releases: Json[] };
      tags: Record<string, Pkg[]>;
    };

    const results: [string, Tally][] = [['untagged', compare('untagged', theirs.info.packages, untagged)]];
    for (const tag of tags) {
      const ours = (
        (await ferry(['catalog', 'list', '--json', '--catalog', catalog, '--tag', tag])) as Pkg[]
      ).map(stripFerryFields);
      results.push([`tag ${tag}`, compare(`tag ${tag}`, theirs.tags[tag] ?? [], ours)]);
    }
    const releaseDiffs: string[] = [];
    const ourReleases = load.catalog.releases.map((release) => release.fields as Json);
    theirs.info.releases.forEach((release, index) => {
      if (!isDeepStrictEqual(release, ourReleases[index])) {
        releaseDiffs.push(
          `release ${index}: distroinfo ${JSON.stringify(release)} ferry ${JSON.stringify(ourReleases[index])}`,
        );
      }
    });
    if (ourReleases.length !== theirs.info.releases.length) releaseDiffs.push('release counts differ');

    process.stdout.write(`catalog: ${join(root, entry)} (${basename(checkout)} from ${checkout})\n`);
    process.stdout.write(`distroinfo get_info(): ${theirs.seconds.toFixed(2)} s\n`);
    let packages = 0;
    let identical = 0;
    let fields = 0;
    let identicalFields = 0;
    const differences: string[] = [...releaseDiffs];
    for (const [label, tally] of results) {
      process.stdout.write(
        `${label.padEnd(22)} packages ${tally.identical}/${tally.packages} identical, fields ${tally.identicalFields}/${tally.fields} identical\n`,
      );
      packages += tally.packages;
      identical += tally.identical;
      fields += tally.fields;
      identicalFields += tally.identicalFields;
      differences.push(...tally.differences);
    }
    process.stdout.write(
      `releases               ${theirs.info.releases.length - releaseDiffs.length}/${theirs.info.releases.length} identical\n` +
        `total                  packages ${identical}/${packages} identical, fields ${identicalFields}/${fields} identical, ${differences.length} differences\n`,
    );
    for (const difference of differences) process.stdout.write(`  ${difference}\n`);
    return differences.length === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
