/**
 * Moving freshly written metadata into place so that a reader never sees a
 * half repodata, and a killed run leaves the old one intact:
 *
 * - everything is written to `<repo>/.repodata.ferry-<pid>-<random>/` first;
 * - with no repodata/ yet, that directory is renamed to repodata/;
 * - otherwise the new files (content-addressed names, so they never clobber
 *   a file the current repomd.xml uses) are renamed into repodata/, then
 *   repomd.xml is renamed over the old one (the single atomic switch), and
 *   only then are the files the old repomd.xml listed, and the new one does
 *   not, removed.
 *
 * Work directories of dead processes (a killed run) are removed by the next
 * run on the same repository.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

import { CACHE_FILE_NAME } from './repodata-cache.js';
import { WORK_DIR_PREFIX } from './repo-scan.js';
import { parseRepomd } from './repomd.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes work directories left by runs whose process is gone. */
export async function removeStaleWorkDirs(repoDir: string): Promise<string[]> {
  const entries = await readdir(repoDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    const pid = Number(name.slice(WORK_DIR_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) continue;
    if (pid === process.pid) continue;
    await rm(join(repoDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Creates this run's work directory beside repodata/. `fresh`: the caller
 * made repoDir itself, so no killed run can have left one there (a snapshot
 * being staged holds hundreds of entries not worth listing).
 */
export async function createWorkDir(repoDir: string, fresh = false): Promise<string> {
  if (!fresh) await removeStaleWorkDirs(repoDir);
  const dir = join(repoDir, `${WORK_DIR_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: false });
  return dir;
}

export async function removeWorkDir(workDir: string): Promise<void> {
  await rm(workDir, { recursive: true, force: true });
}

async function listedFiles(repodata: string): Promise<Set<string> | undefined> {
  const text = await readFile(join(repodata, 'repomd.xml'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const repomd = parseRepomd(text, join(repodata, 'repomd.xml'));
    return new Set(repomd.records.map((record) => record.href.replace(/^.*\//, '')));
  } catch {
    return undefined; // an unreadable old repomd.xml lists nothing we could safely remove
  }
}

/** Content-addressed metadata names as ferry and createrepo_c write them. */
const METADATA_FILE = /^[0-9a-f]{32,128}-[A-Za-z0-9_.+-]+$/;

/** Moves the work directory's files into `<repoDir>/repodata` (see the module comment). */
export async function commitRepodata(repoDir: string, workDir: string): Promise<void> {
  const repodata = join(repoDir, 'repodata');
  try {
    await rename(workDir, repodata);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'ENOTDIR') throw error;
  }
  const oldFiles = await listedFiles(repodata);
  const names = await readdir(workDir);
  const keep = new Set(names);
  for (const name of names) {
    if (name === 'repomd.xml') continue;
    await rename(join(workDir, name), join(repodata, name));
  }
  await rename(join(workDir, 'repomd.xml'), join(repodata, 'repomd.xml'));
  await rmdir(workDir).catch(() => rm(workDir, { recursive: true, force: true }));
  // The switch is done: drop what the old repomd.xml listed and leftovers of killed runs.
  for (const name of await readdir(repodata)) {
    if (keep.has(name) || name === CACHE_FILE_NAME) continue;
    if (oldFiles?.has(name) || METADATA_FILE.test(name)) {
      await rm(join(repodata, name), { force: true, recursive: true });
    }
  }
}
