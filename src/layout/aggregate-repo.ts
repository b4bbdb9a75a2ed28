import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { FerryError } from '../errors.js';
import { switchSymlink, writeFileAtomic } from '../util/atomic-write.js';
import { assertSafeName } from '../util/names.js';
import { DEFAULT_REPONAME } from './delorean-repo.js';
import { assertLabelName } from './labels.js';
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
  const hash = createHash('md5').update(repo).digest('hex');
  const base = join(reposDir, label);
  const existing = await lstat(base).catch(() => null);
  if (existing?.isSymbolicLink()) {
    throw new FerryError(
      'FERRY_CONFLICT',
      `${base} is a symlink (a label without components); remove it before aggregating components`,
    );
  }
  const target = join(base, hash.slice(0, 2), hash.slice(2, 4), hash);
  await mkdir(target, { recursive: true });
  await writeFileAtomic(join(target, `${reponame}.repo`), repo);
  await writeFileAtomic(join(target, `${reponame}.repo.md5`), hash);
  await writeFileAtomic(join(target, 'versions.csv'), csv);
  for (const name of [`${reponame}.repo`, `${reponame}.repo.md5`, 'versions.csv']) {
    await switchSymlink(relative(base, join(target, name)), join(base, name));
  }
  return { hash, dir: target, components: contributed };
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
