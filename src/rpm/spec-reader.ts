import { readFile } from 'node:fs/promises';

import { FerryError } from '../errors.js';
import { exec } from '../util/exec.js';
import { mapExpandedLines } from './spec-line-map.js';
import { parseSpecText, type SpecInfo } from './spec-parser.js';

export const SPEC_READ_MODES = ['auto', 'rpmspec', 'text'] as const;
/**
 * `rpmspec`: rpm expands the spec (exact, needs rpmspec); `text`: ferry's
 * plain-text reader (no rpm needed, common macros only); `auto`: rpmspec
 * when installed, else text.
 */
export type SpecReadMode = (typeof SPEC_READ_MODES)[number];

export interface ReadSpecOptions {
  /** Macros defined for the read (`rpmspec --define`), e.g. the distribution's `dist`. */
  readonly defines?: Readonly<Record<string, string | number>>;
  readonly mode?: SpecReadMode;
  readonly timeoutMs?: number;
}

/** `--define 'name value'` pairs for rpm tools; names are checked so a value cannot smuggle an option. */
export function defineArgs(defines: Readonly<Record<string, string | number>> = {}): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(defines)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new FerryError('FERRY_CONFIG_INVALID', `invalid rpm macro name ${JSON.stringify(name)}`);
    }
    const text = String(value);
    // rpm reads an empty body as a missing one; %{nil} is the empty macro.
    args.push('--define', `${name} ${text === '' ? '%{nil}' : text.replaceAll('\n', ' ')}`);
  }
  return args;
}

/**
 * rpm's first `error: line N: message` (or `error: message`) as a
 * FERRY_SPEC_INVALID located in `file`.
 */
export function rpmSpecError(file: string, stderr: string): FerryError {
  const errors = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('error:'));
  const first = errors[0] ?? stderr.trim().split('\n').pop() ?? 'rpmspec failed';
  const located = /^error:\s*line (\d+):\s*(.*)$/.exec(first);
  if (located !== null) {
    return new FerryError('FERRY_SPEC_INVALID', located[2] ?? first, { file, line: Number(located[1]) });
  }
  return new FerryError('FERRY_SPEC_INVALID', first.replace(/^error:\s*/, ''), { file });
}

/**
 * Reads a spec file: its Name, Version, Release, Source/Patch lines,
 * subpackages, BuildRequires (versioned and rich) and changelog.
 *
 * With rpmspec (the default when installed) rpm itself expands macros and
 * conditionals (`rpmspec -P` with the given `--define`s), so the result is
 * what rpmbuild will see; the plain-text reader is the fallback. A spec rpm
 * refuses gives FERRY_SPEC_INVALID with file:line and rpm's message.
 *
 * @example
 *   const spec = await readSpec('distgit/python-foo.spec', { defines: { dist: '.el9' } });
 *   spec.buildRequires.map(formatDependency) // ['python3-devel >= 3.9', '(a or b)']
 */
export async function readSpec(file: string, options: ReadSpecOptions = {}): Promise<SpecInfo> {
  const mode = options.mode ?? 'auto';
  const defines = Object.fromEntries(Object.entries(options.defines ?? {}).map(([k, v]) => [k, String(v)]));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FerryError('FERRY_NOT_FOUND', `cannot read spec ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (mode !== 'text') {
    let result;
    try {
      result = await exec('rpmspec', [...defineArgs(defines), '-P', file], {
        allowFailure: true,
        timeoutMs: options.timeoutMs ?? 60_000,
      });
    } catch (error) {
      // Only "rpmspec is not installed" falls back; in rpmspec mode even that is an error.
      if (
        mode === 'rpmspec' ||
        !(error instanceof FerryError) ||
        !error.message.includes('command not found')
      )
        throw error;
    }
    if (result !== undefined) {
      if (result.exitCode !== 0) throw rpmSpecError(file, result.stderr);
      const expanded = parseSpecText(result.stdout, {
        file,
        expanded: true,
        lineOf: mapExpandedLines(text, result.stdout, defines),
      });
      // rpmspec -P drops the line that ends %prep (often a %files or the
      // %changelog), so %files sections and the changelog come from the file.
      const raw = parseSpecText(text, { file, defines, lenient: true });
      const withFiles = new Set(raw.packages.filter((p) => p.hasFiles).map((p) => p.name));
      return {
        ...expanded,
        packages: expanded.packages.map((p) => ({ ...p, hasFiles: withFiles.has(p.name) })),
        changelog: raw.changelog,
      };
    }
  }
  return parseSpecText(text, { file, defines });
}
