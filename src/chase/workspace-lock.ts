import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

import { FerryError } from '../errors.js';

/** What a lock file holds: who took it and how to tell whether that process still lives. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** The process's start time from /proc (clock ticks since boot), to tell a reused pid apart. */
  readonly startTicks: number | null;
  /** Seconds since the epoch. */
  readonly since: number;
  /** Unique per acquisition: tells two owners with the same pid apart. */
  readonly token: string;
  /** What holds it, e.g. `ferry chase`. */
  readonly purpose: string;
}

/** A held lock; `release()` removes the file if it is still ours. */
export interface WorkspaceLock {
  readonly path: string;
  readonly owner: LockOwner;
  release(): Promise<void>;
}

/** Field 22 of /proc/<pid>/stat (starttime), or null where /proc is not there. */
async function processStartTicks(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner of a lock is gone: same host, and its pid no longer runs
 * (or runs a different process, started at another time). A lock taken on
 * another host cannot be checked and counts as alive.
 */
export async function isOwnerGone(owner: LockOwner, host = hostname()): Promise<boolean> {
  if (owner.host !== host) return false;
  if (!pidAlive(owner.pid)) return true;
  if (owner.startTicks === null) return false;
  const ticks = await processStartTicks(owner.pid);
  return ticks !== null && ticks !== owner.startTicks;
}

function parseOwner(text: string): LockOwner | null {
  try {
    const data = JSON.parse(text) as Partial<LockOwner>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string' || typeof data.token !== 'string')
      return null;
    return {
      pid: data.pid,
      host: data.host,
      startTicks: typeof data.startTicks === 'number' ? data.startTicks : null,
      since: typeof data.since === 'number' ? data.since : 0,
      token: data.token,
      purpose: typeof data.purpose === 'string' ? data.purpose : 'ferry',
    };
  } catch {
    return null;
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(owner)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes the workspace's exclusive lock (one chaser per workspace). The lock is
 * a file created with O_EXCL holding the owner's pid, host and process start
 * time; a lock whose owner died (SIGKILL, power loss of the process) is
 * detected and taken over, so a killed chaser never blocks the next one.
 * A lock held by a live process is FERRY_LOCKED (exit 2), naming the holder.
 */
export async function acquireWorkspaceLock(path: string, purpose = 'ferry chase'): Promise<WorkspaceLock> {
  await mkdir(dirname(path), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startTicks: await processStartTicks(process.pid),
    since: Math.floor(Date.now() / 1000),
    token: randomBytes(8).toString('hex'),
    purpose,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await tryCreate(path, owner)) return heldLock(path, owner);
    const text = await readFile(path, 'utf8').catch(() => null);
    if (text === null) continue; // released between our create and read: try again
    const holder = parseOwner(text);
    // An unreadable lock file is what a process killed while writing it leaves.
    const stale = holder === null || (await isOwnerGone(holder));
    if (!stale) {
      throw new FerryError(
        'FERRY_LOCKED',
        `${path} is held by ${holder.purpose} (pid ${holder.pid} on ${holder.host} since ${new Date(
          holder.since * 1000,
        ).toISOString()}); one chaser per workspace`,
      );
    }
    await takeOverStale(path, text);
  }
  throw new FerryError('FERRY_LOCKED', `${path}: could not take the lock (contended)`);
}

/**
 * Moves a stale lock aside, checking that what was moved is the stale lock
 * read before (another process may have taken it over meanwhile); a live lock
 * moved by mistake is put back with link(), which never overwrites.
 */
async function takeOverStale(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved !== null && moved !== staleText) {
    await link(aside, path).catch(() => undefined);
  }
  await rm(aside, { force: true });
}

function heldLock(path: string, owner: LockOwner): WorkspaceLock {
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      const text = await readFile(path, 'utf8').catch(() => null);
      if (text !== null && parseOwner(text)?.token === owner.token) await rm(path, { force: true });
    },
  };
}

/** Who holds the lock now, or null when it is free or its holder is gone. */
export async function lockHolder(path: string): Promise<LockOwner | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  const holder = parseOwner(text);
  if (holder === null || (await isOwnerGone(holder))) return null;
  return holder;
}
