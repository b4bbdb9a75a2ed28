import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A sibling path to write to before renaming into place (same directory, so rename is atomic). */
export function asidePath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes a file atomically: the data goes to a sibling temporary file, is
 * flushed to disk, then renamed over the target. Readers see the old content or
 * the new, never a half-written file.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = asidePath(target);
  try {
    const handle = await open(tmp, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Points `linkPath` at `target` atomically (a new link, then rename over the old one). */
export async function switchSymlink(target: string, linkPath: string): Promise<void> {
  const tmp = asidePath(linkPath);
  await symlink(target, tmp);
  try {
    await rename(tmp, linkPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
