import { lstat, readlink, rm } from 'node:fs/promises';

import { switchSymlink } from '../../util/atomic-write.js';
import { HttpError } from '../http-error.js';

interface JournalEntry {
  readonly link: string;
  /** What the link pointed at before, or null when it did not exist. */
  readonly previous: string | null;
}

/**
 * Remembers what symlinks pointed at before a multi-link change, so a
 * failure half-way (a promote-batch whose third link or whose database
 * write fails) puts every link back as it was. Each restore is itself an
 * atomic switch; removal is used only for links that did not exist.
 */
export class LinkJournal {
  readonly #entries: JournalEntry[] = [];

  /** Records a link's current target before it is changed (once per link). */
  async remember(link: string): Promise<void> {
    if (this.#entries.some((entry) => entry.link === link)) return;
    let previous: string | null = null;
    try {
      previous = await readlink(link);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A regular file would be replaced by a link and could not be put back.
      if (code === 'EINVAL') throw new HttpError(409, `${link} exists and is not a symlink`);
      if (code !== 'ENOENT') throw error;
    }
    this.#entries.push({ link, previous });
  }

  /** Puts every remembered link back, newest change first; returns the links it could not restore. */
  async rollback(): Promise<string[]> {
    const failed: string[] = [];
    for (const entry of [...this.#entries].reverse()) {
      try {
        if (entry.previous === null) {
          const info = await lstat(entry.link).catch(() => null);
          if (info?.isSymbolicLink()) await rm(entry.link);
        } else {
          await switchSymlink(entry.previous, entry.link);
        }
      } catch {
        failed.push(entry.link);
      }
    }
    this.#entries.length = 0;
    return failed;
  }
}
