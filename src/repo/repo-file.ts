/**
 * dnf/yum `.repo` files (INI: `[id]` sections of `key=value` lines), as the
 * chaser writes `delorean.repo`. Values cannot be escaped in this format, so
 * anything that would change the file's structure (line breaks, a leading
 * `[`, NUL) is refused rather than written.
 */
import { FerryError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** One repository section. Booleans are written as 1/0. */
export interface RepoSection {
  /** Section id: letters, digits and `-_.:` (what dnf accepts). */
  readonly id: string;
  readonly name?: string;
  /** One URL or several (written comma-separated). */
  readonly baseurl?: string | readonly string[];
  readonly metalink?: string;
  readonly mirrorlist?: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default false. */
  readonly gpgcheck?: boolean;
  readonly gpgkey?: string | readonly string[];
  readonly priority?: number;
  readonly cost?: number;
  readonly skip_if_unavailable?: boolean;
  readonly module_hotfixes?: boolean;
  /** Further options, written after the known ones in the given order. */
  readonly extra?: Readonly<Record<string, string | number | boolean>>;
}

const REPO_ID = /^[A-Za-z0-9_.:-]+$/;
const KEY = /^[A-Za-z0-9_]+$/;
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[\x00\r\n]/;

function invalid(message: string): FerryError {
  return new FerryError('FERRY_INVALID_NAME', message);
}

function value(section: string, key: string, raw: string | number | boolean | readonly string[]): string {
  // typeof, not Array.isArray: the latter narrows a readonly array to any[].
  const list = typeof raw === 'object' ? raw : undefined;
  const text = typeof raw === 'boolean' ? (raw ? '1' : '0') : list ? list.join(',') : String(raw);
  if (BAD_VALUE.test(text)) {
    throw invalid(`[${section}] ${key}: line breaks and NUL cannot be written in a .repo value`);
  }
  if (typeof raw === 'number' && !Number.isFinite(raw))
    throw invalid(`[${section}] ${key}: not a finite number`);
  if (list?.some((item) => item === '' || /[\s,]/.test(item))) {
    throw invalid(`[${section}] ${key}: list items must be non-empty and contain no spaces or commas`);
  }
  return text.trim();
}

/** The text of a .repo file with these sections (ids must be unique). */
export function renderRepoFile(sections: readonly RepoSection[]): string {
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const section of sections) {
    if (!REPO_ID.test(section.id)) {
      throw invalid(`invalid repository id ${JSON.stringify(section.id)}: use letters, digits and -_.:`);
    }
    if (seen.has(section.id)) throw invalid(`repository id ${section.id} appears twice`);
    seen.add(section.id);
    const lines = [`[${section.id}]`];
    const add = (key: string, raw: string | number | boolean | readonly string[] | undefined): void => {
      if (raw === undefined) return;
      if (!KEY.test(key)) throw invalid(`[${section.id}] invalid option name ${JSON.stringify(key)}`);
      lines.push(`${key}=${value(section.id, key, raw)}`);
    };
    add('name', section.name);
    add('baseurl', section.baseurl);
    add('metalink', section.metalink);
    add('mirrorlist', section.mirrorlist);
    add('enabled', section.enabled ?? true);
    add('gpgcheck', section.gpgcheck ?? false);
    add('gpgkey', section.gpgkey);
    add('priority', section.priority);
    add('cost', section.cost);
    add('skip_if_unavailable', section.skip_if_unavailable);
    add('module_hotfixes', section.module_hotfixes);
    for (const [key, raw] of Object.entries(section.extra ?? {})) {
      if (lines.some((line) => line.startsWith(`${key}=`)))
        throw invalid(`[${section.id}] option ${key} given twice`);
      add(key, raw);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

/** Writes a .repo file atomically. */
export async function writeRepoFile(path: string, sections: readonly RepoSection[]): Promise<void> {
  await writeFileAtomic(path, renderRepoFile(sections));
}

/** A parsed section: the id and its options in file order (values as written). */
export interface ParsedRepoSection {
  readonly id: string;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Reads a .repo file (for aggregating component repo files). Comments (`#`,
 * `;`) and blank lines are skipped; indented lines continue the previous
 * value. Errors name the file and line.
 */
export function parseRepoFile(text: string, file: string): ParsedRepoSection[] {
  const sections: { id: string; options: Record<string, string> }[] = [];
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const error = (message: string): FerryError =>
      new FerryError('FERRY_CONFIG_INVALID', message, { file, line: i + 1, column: 1 });
    if (line.trim() === '' || /^\s*[#;]/.test(line)) continue;
    const current = sections[sections.length - 1];
    if (/^\s/.test(line)) {
      if (!current || lastKey === undefined) throw error('continuation line outside an option');
      current.options[lastKey] += `\n${line.trim()}`;
      continue;
    }
    const header = /^\[([^\]]*)\]\s*$/.exec(line);
    if (header) {
      const id = header[1]!.trim();
      if (!REPO_ID.test(id)) throw error(`invalid repository id ${JSON.stringify(id)}`);
      if (sections.some((s) => s.id === id)) throw error(`repository id ${id} appears twice`);
      sections.push({ id, options: {} });
      lastKey = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw error('expected "key=value" or "[section]"');
    if (!current) throw error('option before the first [section]');
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) throw error(`invalid option name ${JSON.stringify(key)}`);
    current.options[key] = line.slice(eq + 1).trim();
    lastKey = key;
  }
  return sections;
}
