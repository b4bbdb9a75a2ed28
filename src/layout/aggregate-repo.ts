import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { FerryError } from '../errors.js';
import { switchSymlink, writeFileAtomic } from '../util/atomic-write.js';
import { assertSafeName } from '../util/names.js';
import { DEFAULT_REPONAME } from './delorean-repo.js';
import { assertLabelName, isValidLabelName, listLabels } from './labels.js';
import { VERSIONS_CSV_HEADER } from './versions-csv.js';

/** What aggregating a label across components produced. */
export interface AggregateResult {
  /** md5 of the aggregate `.repo` file: DLRN's aggregate hash. */
  readonly hash: string;
  /** `repos/<label>/xx/yy/<md5>`. */
  readonly dir: string;
  /** Components whose label contributed a `.repo` file. */
  readonly components: readonly string[];
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The aggregate `.repo` text and versions.csv lines of a label; pure over what was read. */
export function aggregateContent(
  parts: readonly { readonly repo: string | null; readonly csv: string | null }[],
): { repo: string; csv: string } {
  let repo = '';
  const lines: string[] = [];
  for (const part of parts) {
    if (part.repo !== null) repo += `${part.repo}\n`;
    if (part.csv !== null) {
      // DLRN keeps every line after the header, exactly as read (readlines()[1:]).
      const all = part.csv.split(/(?<=\n)/);
      lines.push(...all.slice(1));
    }
  }
  return { repo, csv: `${VERSIONS_CSV_HEADER}\n${lines.join('')}` };
}

/** What the aggregate of a label should hold, from its components' labels as they are now. */
interface AggregateExpected {
  readonly repo: string;
  readonly csv: string;
  readonly hash: string;
  readonly contributed: readonly string[];
}

async function expectedAggregate(
  reposDir: string,
  label: string,
  components: readonly string[],
  reponame: string,
): Promise<AggregateExpected> {
  assertLabelName(label);
  assertSafeName(reponame, 'repository name');
  const sorted = [...new Set(components)].sort();
  const parts: { repo: string | null; csv: string | null }[] = [];
  const contributed: string[] = [];
  for (const component of sorted) {
    const dir = join(reposDir, 'component', assertSafeName(component, 'component name'), label);
    const repo = await readIfExists(join(dir, `${reponame}.repo`));
    const csv = await readIfExists(join(dir, 'versions.csv'));
    if (repo !== null) contributed.push(component);
    parts.push({ repo, csv });
  }
  const { repo, csv } = aggregateContent(parts);
  return { repo, csv, hash: createHash('md5').update(repo).digest('hex'), contributed };
}

/** `repos/<label>/xx/yy/<md5>`: where the aggregate files of one hash live. */
function hashedDir(base: string, hash: string): string {
  return join(base, hash.slice(0, 2), hash.slice(2, 4), hash);
}

/** The three files of an aggregate, with what each must hold. */
function aggregateFiles(reponame: string, expected: AggregateExpected): [string, string][] {
  return [
    [`${reponame}.repo`, expected.repo],
    [`${reponame}.repo.md5`, expected.hash],
    ['versions.csv', expected.csv],
  ];
}

/**
 * With components, `repos/<label>/` is a real directory joining every
 * component's `<label>`: DLRN's `aggregate_repo_files(..., hashed_dir=True)`.
 * The `.repo` files of `repos/component/<c>/<label>/` (components sorted) are
 * concatenated, each followed by a newline; their md5 is the aggregate hash;
 * the `.repo`, `.repo.md5` and the joined `versions.csv` are written under
 * `repos/<label>/xx/yy/<md5>/` and `repos/<label>/{<reponame>.repo,
 * <reponame>.repo.md5, versions.csv}` become relative symlinks to them,
 * switched atomically.
 *
 * `components` are those that have builds and belong to the catalog (DLRN
 * intersects the two); a component without the label is skipped.
 */
export async function writeAggregateRepo(
  reposDir: string,
  label: string,
  components: readonly string[],
  reponame: string = DEFAULT_REPONAME,
): Promise<AggregateResult> {
  const expected = await expectedAggregate(reposDir, label, components, reponame);
  const base = join(reposDir, label);
  const existing = await lstat(base).catch(() => null);
  if (existing?.isSymbolicLink()) {
    throw new FerryError(
      'FERRY_CONFLICT',
      `${base} is a symlink (a label without components); remove it before aggregating components`,
    );
  }
  const target = hashedDir(base, expected.hash);
  await mkdir(target, { recursive: true });
  const files = aggregateFiles(reponame, expected);
  for (const [name, content] of files) await writeFileAtomic(join(target, name), content);
  for (const [name] of files) await switchSymlink(relative(base, join(target, name)), join(base, name));
  return { hash: expected.hash, dir: target, components: expected.contributed };
}

/** How a label's aggregate compares with its components' labels. */
export interface AggregateCheck {
  readonly label: string;
  /** The md5 the aggregate should have, from the components' labels now. */
  readonly expectedHash: string;
  /** What `repos/<label>/<reponame>.repo.md5` says, or null. */
  readonly shownHash: string | null;
  /** What disagrees (a file missing, not a link into `xx/yy/<md5>/`, or with other content); empty when up to date. */
  readonly problems: readonly string[];
  /** `repos/<label>` is a symlink (a label without components): writeAggregateRepo refuses it. */
  readonly conflict: boolean;
}

/**
 * Compares the aggregate files of `repos/<label>/` with what
 * writeAggregateRepo would write now: each of `<reponame>.repo`,
 * `<reponame>.repo.md5` and `versions.csv` must be a link into
 * `<label>/xx/yy/<md5>/` of the expected hash, and hold the expected text.
 * Reads only.
 */
export async function checkAggregateRepo(
  reposDir: string,
  label: string,
  components: readonly string[],
  reponame: string = DEFAULT_REPONAME,
): Promise<AggregateCheck> {
  const expected = await expectedAggregate(reposDir, label, components, reponame);
  const base = join(reposDir, label);
  const shownHash = await readAggregateHash(reposDir, label, reponame).catch(() => null);
  const info = await lstat(base).catch(() => null);
  const result = { label, expectedHash: expected.hash, shownHash };
  if (info?.isSymbolicLink()) {
    return { ...result, conflict: true, problems: [`${label} is a symlink, not an aggregate directory`] };
  }
  if (!info) return { ...result, conflict: false, problems: [`${label}/ is missing`] };
  const problems: string[] = [];
  const target = hashedDir(base, expected.hash);
  for (const [name, content] of aggregateFiles(reponame, expected)) {
    const link = join(base, name);
    const pointsAt = await readlink(link).catch(() => null);
    if (pointsAt === null) {
      problems.push(`${label}/${name} is missing or not a link`);
    } else if (pointsAt !== relative(base, join(target, name))) {
      problems.push(`${label}/${name} points at ${pointsAt}, not at the aggregate ${expected.hash}`);
    } else if ((await readIfExists(link)) !== content) {
      problems.push(`${label}/${name} does not hold the aggregate of its components`);
    }
  }
  return { ...result, conflict: false, problems };
}

/**
 * The labels that have (or should have) an aggregate with components: every
 * label of a component's directory, and every aggregate directory already in
 * `repos/` (a real directory holding `<reponame>.repo`). Sorted.
 */
export async function aggregateLabels(
  reposDir: string,
  components: readonly string[],
  reponame: string = DEFAULT_REPONAME,
): Promise<string[]> {
  const names = new Set<string>();
  for (const component of components) {
    for (const label of await listLabels(reposDir, component)) names.add(label.label);
  }
  const entries = await readdir(reposDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !isValidLabelName(entry.name)) continue;
    if (await lstat(join(reposDir, entry.name, `${reponame}.repo`)).catch(() => null)) names.add(entry.name);
  }
  return [...names].sort();
}

/** The aggregate hash a label currently shows (`repos/<label>/<reponame>.repo.md5`), or null. */
export async function readAggregateHash(
  reposDir: string,
  label: string,
  reponame: string = DEFAULT_REPONAME,
): Promise<string | null> {
  const text = await readIfExists(join(reposDir, assertLabelName(label), `${reponame}.repo.md5`));
  return text === null ? null : text.trim();
}
