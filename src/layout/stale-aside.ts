import { readdirSync, type Dirent } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { isValidLabelName } from './labels.js';

/** `asidePath()` names: `.<target>.<pid>.<8 hex>.tmp`. */
const ASIDE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Shard directories (`xx`, `yy`): the first characters of a commit hash, or of an aggregate md5. */
const SHARD = /^[0-9A-Za-z]{2}$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `name` is a temporary a dead process left (never one of this process or of a live one). */
export function isStaleAsideName(name: string): boolean {
  const match = ASIDE.exec(name);
  if (!match) return false;
  const pid = Number(match[1]);
  return pid !== process.pid && !isAlive(pid);
}

/**
 * Removes the temporary files and links an atomic write or a label switch
 * leaves behind when its process is killed between creating and renaming them.
 * Files of live processes are kept (they may be mid-write). Returns the names removed.
 */
export async function removeStaleAsideFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    if (!isStaleAsideName(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** The real subdirectories of `dir` (symlinks are never followed: labels point elsewhere). */
function subdirectories(dir: string, pattern?: RegExp): Dirent[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory() && (pattern === undefined || pattern.test(e.name)));
}

/** `base/xx/yy` directories: where snapshots (and their staging and trash directories) live. */
function shardDirectories(base: string, out: string[]): void {
  for (const xx of subdirectories(base, SHARD)) {
    for (const yy of subdirectories(join(base, xx.name), SHARD)) out.push(join(base, xx.name, yy.name));
  }
}

/**
 * Every directory of `repos/` that ferry writes temporaries into, found
 * without entering a snapshot or following a symlink:
 *
 * - `repos/` and `repos/component/<c>/`: label links, reports;
 * - `repos/[component/<c>/]xx/yy/`: staging and trash directories beside snapshots;
 * - `repos/<label>/` and `repos/<label>/xx/yy/<md5>/`: the aggregate of a
 *   label with components (its links, and the files of its hashed copy).
 *
 * Snapshot directories themselves are left out: their contents are only
 * ever written while staged aside (the publish journal names the one a
 * killed publish was finishing).
 */
export function temporaryDirectories(reposDir: string): string[] {
  const dirs = [reposDir];
  shardDirectories(reposDir, dirs);
  for (const component of subdirectories(join(reposDir, 'component'))) {
    const base = join(reposDir, 'component', component.name);
    dirs.push(base);
    shardDirectories(base, dirs);
  }
  for (const entry of subdirectories(reposDir)) {
    if (SHARD.test(entry.name) || entry.name === 'component' || !isValidLabelName(entry.name)) continue;
    const label = join(reposDir, entry.name);
    dirs.push(label);
    const shards: string[] = [];
    shardDirectories(label, shards);
    for (const shard of shards) for (const copy of subdirectories(shard)) dirs.push(join(shard, copy.name));
  }
  return dirs;
}

/** Stale temporaries anywhere ferry writes them in `repos/` (see temporaryDirectories), relative to `repos/`. */
export function findStaleAsideFiles(reposDir: string): string[] {
  const found: string[] = [];
  for (const dir of temporaryDirectories(reposDir)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (isStaleAsideName(name)) found.push(relative(reposDir, join(dir, name)));
  }
  return found.sort();
}

/** Removes every stale temporary of `repos/` (findStaleAsideFiles); returns them, relative to `repos/`. */
export async function sweepStaleAsideFiles(reposDir: string): Promise<string[]> {
  const stale = findStaleAsideFiles(reposDir);
  for (const path of stale) await rm(join(reposDir, path), { recursive: true, force: true });
  return stale;
}
