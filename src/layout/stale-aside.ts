import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** `asidePath()` names: `.<target>.<pid>.<8 hex>.tmp`. */
const ASIDE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
    const match = ASIDE.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
