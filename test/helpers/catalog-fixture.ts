import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { PROJECT_ROOT } from './run-ferry.js';
import { tempDir } from './temp-dir.js';

/** test/fixtures/catalog/basic: a small rdoinfo-format catalog (releases, templates, tag and build-tag files). */
export const BASIC_CATALOG = join(PROJECT_ROOT, 'test/fixtures/catalog/basic');

/** The real rdoinfo snapshot, when present. */
export const RDOINFO = join(PROJECT_ROOT, '../shared/data/rdoinfo');

/** A writable copy of the basic catalog, with helpers to break it. */
export interface CatalogCopy {
  readonly dir: string;
  read(file: string): Promise<string>;
  write(file: string, text: string): Promise<void>;
  /** Replaces the only occurrence of `from` in `file`. */
  replace(file: string, from: string, to: string): Promise<void>;
  /** `file:line:column` of the first character of `needle` (its `occurrence`-th match). */
  at(file: string, needle: string, occurrence?: number): Promise<string>;
}

export async function copyBasicCatalog(): Promise<CatalogCopy> {
  const dir = await tempDir('ferry-catalog-');
  await cp(BASIC_CATALOG, dir, { recursive: true });
  const read = (file: string) => readFile(join(dir, file), 'utf8');
  return {
    dir,
    read,
    write: (file, text) => writeFile(join(dir, file), text),
    async replace(file, from, to) {
      const text = await read(file);
      const count = text.split(from).length - 1;
      if (count !== 1) throw new Error(`${JSON.stringify(from)} occurs ${count} times in ${file}`);
      await writeFile(join(dir, file), text.replace(from, to));
    },
    async at(file, needle, occurrence = 1) {
      return `${file}:${textPosition(await read(file), needle, occurrence)}`;
    },
  };
}

/** `line:column` (1-based) of the `occurrence`-th `needle` in `text`. */
export function textPosition(text: string, needle: string, occurrence = 1): string {
  let offset = -1;
  for (let i = 0; i < occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`${JSON.stringify(needle)} not found ${occurrence} times`);
  }
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** `file:line:column` of `needle` in a file of the basic catalog. */
export async function basicCatalogAt(file: string, needle: string, occurrence = 1): Promise<string> {
  return `${file}:${textPosition(await readFile(join(BASIC_CATALOG, file), 'utf8'), needle, occurrence)}`;
}
