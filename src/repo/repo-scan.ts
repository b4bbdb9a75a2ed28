/**
 * Finds the .rpm files of a repository directory the way createrepo_c does
 * (src/createrepo_c.c, fill_pool): a recursive walk that follows symbolic
 * links to files and directories, keeps names ending in `.rpm`, and orders
 * them by base name, then by directory: that order is the package order of
 * the metadata.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One .rpm found under the repository root. */
export interface ScannedRpm {
  /** Path relative to the repository root, with `/` separators: the location href. */
  readonly href: string;
  /** Absolute (or root-relative, as given) path to open. */
  readonly path: string;
}

/** Byte-wise comparison like C's strcmp on UTF-8, which is what createrepo_c sorts with. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order except between surrogates and U+E000..U+FFFF.
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b))
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

/** createrepo_c's task order: base name first, then the directory holding it. */
export function compareHrefs(a: string, b: string): number {
  const slashA = a.lastIndexOf('/');
  const slashB = b.lastIndexOf('/');
  const byName = compareBytes(a.slice(slashA + 1), b.slice(slashB + 1));
  if (byName !== 0) return byName;
  return compareBytes(slashA < 0 ? '' : a.slice(0, slashA), slashB < 0 ? '' : b.slice(0, slashB));
}

/** Directory names ferry itself uses beside repodata/ while writing (never scanned). */
export const WORK_DIR_PREFIX = '.repodata.ferry-';

/**
 * Lists the repository's .rpm files in metadata order. Symbolic links are
 * followed (snapshot directories are made of links); a link cycle is visited
 * once; dangling links are skipped.
 */
export async function scanRepository(root: string): Promise<ScannedRpm[]> {
  const found: ScannedRpm[] = [];
  const visited = new Set<string>([await realpath(root)]);
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // createrepo_c warns and goes on when a directory cannot be opened
    }
    const subdirs: Promise<void>[] = [];
    for (const entry of entries) {
      const name = entry.name;
      const path = join(dir, name);
      let isFile = entry.isFile();
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (!target) continue;
        isFile = target.isFile();
        isDir = target.isDirectory();
      }
      if (isDir) {
        if (name.startsWith(WORK_DIR_PREFIX)) continue;
        const real = await realpath(path).catch(() => undefined);
        if (real === undefined || visited.has(real)) continue;
        visited.add(real);
        subdirs.push(walk(path, `${prefix}${name}/`));
      } else if (isFile && name.endsWith('.rpm')) {
        found.push({ href: prefix + name, path });
      }
    }
    await Promise.all(subdirs);
  };
  await walk(root, '');
  return sortByHref(found);
}

/** Sorts items in metadata order of their href (keys computed once, not per comparison). */
export function sortByHref<T extends { readonly href: string }>(items: readonly T[]): T[] {
  const keyed = items.map((item) => {
    const slash = item.href.lastIndexOf('/');
    const name = item.href.slice(slash + 1);
    const dir = slash < 0 ? '' : item.href.slice(0, slash);
    const plain = !/[\ud800-\uffff]/.test(item.href);
    return { item, name, dir, plain };
  });
  keyed.sort((a, b) => {
    if (a.plain && b.plain) {
      if (a.name !== b.name) return a.name < b.name ? -1 : 1;
      return a.dir === b.dir ? 0 : a.dir < b.dir ? -1 : 1;
    }
    return compareBytes(a.name, b.name) || compareBytes(a.dir, b.dir);
  });
  return keyed.map((k) => k.item);
}
