import { FerryError } from '../errors.js';
import type { Dependency } from './package.js';
import { parseChangelog, type SpecChangelogEntry } from './spec-changelog.js';
import { parseDependencyList } from './spec-dependencies.js';
import {
  conditionalDefine,
  createMacroTable,
  defineMacro,
  evaluateCondition,
  expandMacros,
  undefineMacro,
  type MacroTable,
} from './spec-macros.js';

/** A Source or Patch line. */
export interface SpecSource {
  readonly kind: 'source' | 'patch';
  /** The number written after the tag (`Source1:` → 1); null for a bare `Source:`/`Patch:`. */
  readonly number: number | null;
  readonly value: string;
  readonly line: number;
}

/** A dependency with the spec line it is written on. */
export interface SpecDependency extends Dependency {
  readonly line: number;
}

/** A binary package the spec declares: the main package or a `%package`. */
export interface SpecPackage {
  /** Full name (`%package doc` of `foo` → `foo-doc`; `%package -n bar` → `bar`). */
  readonly name: string;
  /** Line of the Name tag or of the `%package` line. */
  readonly line: number;
  readonly provides: readonly SpecDependency[];
  readonly requires: readonly SpecDependency[];
  /** Whether a `%files` section exists for it (rpm builds only packages that have one). */
  readonly hasFiles: boolean;
}

export const SPEC_READERS = ['rpmspec', 'text'] as const;
/** Who expanded the spec: rpm itself (`rpmspec -P`) or ferry's plain-text reader. */
export type SpecReader = (typeof SPEC_READERS)[number];

/** What ferry reads from a spec file. */
export interface SpecInfo {
  readonly file: string;
  readonly name: string;
  readonly epoch?: number;
  readonly version: string;
  readonly release: string;
  readonly buildArch?: string;
  readonly sources: readonly SpecSource[];
  /** Main package first, then subpackages in spec order. */
  readonly packages: readonly SpecPackage[];
  readonly buildRequires: readonly SpecDependency[];
  readonly changelog: readonly SpecChangelogEntry[];
  readonly reader: SpecReader;
}

const SECTIONS = new Set([
  'package',
  'description',
  'prep',
  'build',
  'install',
  'check',
  'clean',
  'files',
  'changelog',
  'pre',
  'post',
  'preun',
  'postun',
  'pretrans',
  'posttrans',
  'preuntrans',
  'postuntrans',
  'triggerin',
  'triggerun',
  'triggerpostun',
  'triggerprein',
  'filetriggerin',
  'filetriggerun',
  'filetriggerpostun',
  'transfiletriggerin',
  'transfiletriggerun',
  'transfiletriggerpostun',
  'verifyscript',
  'sepolicy',
  'generate_buildrequires',
  'conf',
  'patchlist',
  'sourcelist',
]);

/** The section a line opens (`%files -n foo` → `files`), or undefined. */
export function sectionOf(line: string): string | undefined {
  const match = /^%([a-z_]+)(?:\s|$)/.exec(line);
  return match !== null && SECTIONS.has(match[1] ?? '') ? match[1] : undefined;
}

/** The package a `%package`/`%files`/`%description` line names, given the main package's name. */
function sectionPackage(args: string, mainName: string): string {
  const tokens = args.split(/\s+/).filter((t) => t !== '');
  let explicit = false;
  let name: string | undefined;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] ?? '';
    if (t === '-n') explicit = true;
    else if (t === '-f' || t === '-p') i += 1;
    else if (!t.startsWith('-') && name === undefined) name = t;
  }
  if (name === undefined) return mainName;
  return explicit ? name : `${mainName}-${name}`;
}

/** A line that starts a macro definition (its body may continue on lines ending with a backslash). */
export function isDefinition(line: string): boolean {
  return /^\s*(%(define|global)\s|%\{!?\?[A-Za-z_][A-Za-z0-9_]*:\s*%(define|global)\s)/.test(line);
}

export const TAG_LINE = /^([A-Za-z][A-Za-z0-9]*)(\([^)]*\))?\s*:\s*(.*?)\s*$/;

const ARCH_ALIASES: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686' };

export interface ParseSpecOptions {
  /** The spec's path, for messages. */
  readonly file: string;
  /** The text is rpmspec -P output (macros already expanded, conditionals resolved). */
  readonly expanded?: boolean;
  /** Macros defined before reading (text mode), e.g. `{ dist: '.el9' }`. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Architecture `%ifarch` is evaluated against (text mode; default the host's). */
  readonly arch?: string;
  /** Return what could be read instead of throwing FERRY_SPEC_INVALID. */
  readonly lenient?: boolean;
  /** Maps a line of `text` to the line of the spec file it came from (for rpmspec -P output). */
  readonly lineOf?: (line: number) => number;
}

interface PackageDraft {
  name: string;
  line: number;
  provides: SpecDependency[];
  requires: SpecDependency[];
}

interface Problem {
  readonly line: number;
  readonly column?: number;
  readonly message: string;
}

/**
 * Reads a spec's text (pure). With `expanded`, the text is rpmspec -P output
 * and is read as is; otherwise a subset of rpm's macros and conditionals is
 * applied (see spec-macros.ts). Throws FERRY_SPEC_INVALID with file:line for
 * a spec rpm would refuse for the same reason (no Name/Version/Release,
 * an operator without a version, an unclosed %if).
 */
export function parseSpecText(text: string, options: ParseSpecOptions): SpecInfo {
  const macros: MacroTable = createMacroTable(options.defines);
  const arch = options.arch ?? ARCH_ALIASES[process.arch] ?? process.arch;
  const expand = (s: string): string => (options.expanded ? s : expandMacros(s, macros));
  const problems: Problem[] = [];
  const lines = text.split('\n');

  const main: PackageDraft = { name: '', line: 0, provides: [], requires: [] };
  const packages: PackageDraft[] = [main];
  const withFiles = new Set<string>();
  const sources: SpecSource[] = [];
  const buildRequires: SpecDependency[] = [];
  const tags = new Map<string, { value: string; line: number }>();
  const changelogLines: string[] = [];
  let changelogStart = 0;
  let section = 'preamble';
  let current: PackageDraft = main;
  // %if stack: whether each level's current branch is active, and whether a branch was taken.
  const conditions: { active: boolean; taken: boolean; line: number }[] = [];
  const active = (): boolean => conditions.every((c) => c.active);

  const at = options.lineOf ?? ((n: number): number => n);
  for (let index = 0; index < lines.length; index += 1) {
    const lineNo = at(index + 1);
    let line = (lines[index] ?? '').replace(/\r$/, '');

    if (!options.expanded) {
      const cond = /^%(if|ifarch|ifnarch|ifos|ifnos|elif|elifarch|elifos|else|endif)\b\s*(.*)$/.exec(line);
      if (cond !== null) {
        const keyword = cond[1] ?? '';
        const arg = expand((cond[2] ?? '').replace(/\s+#.*$/, ''));
        const test = (): boolean => {
          if (keyword.endsWith('arch')) {
            const listed = arg.split(/[\s,]+/).includes(arch);
            return keyword.includes('narch') ? !listed : listed;
          }
          if (keyword.endsWith('os')) {
            const listed = arg.split(/[\s,]+/).includes('linux');
            return keyword.includes('nos') ? !listed : listed;
          }
          // An expression ferry cannot evaluate counts as true: better to read too much than too little.
          return evaluateCondition(arg) ?? true;
        };
        if (keyword.startsWith('if')) {
          const result = active() && test();
          conditions.push({ active: result, taken: result, line: lineNo });
        } else {
          const top = conditions[conditions.length - 1];
          if (top === undefined) {
            problems.push({ line: lineNo, message: `%${keyword} without %if` });
            continue;
          }
          if (keyword === 'endif') conditions.pop();
          else if (keyword === 'else') {
            top.active = !top.taken;
            top.taken = true;
          } else {
            conditions.pop();
            const parent = active();
            const result = !top.taken && parent && test();
            conditions.push({ active: result, taken: top.taken || result, line: top.line });
          }
        }
        continue;
      }
      if (!active()) continue;
      while (line.endsWith('\\') && index + 1 < lines.length && isDefinition(line)) {
        index += 1;
        line = `${line.slice(0, -1)}\n${(lines[index] ?? '').replace(/\r$/, '')}`;
      }
      if (defineMacro(line, macros) || conditionalDefine(line, macros) || undefineMacro(line, macros))
        continue;
    }

    const opened = sectionOf(line);
    if (opened !== undefined) {
      section = opened;
      const args = expand(line.slice(opened.length + 1));
      if (opened === 'package') {
        current = { name: sectionPackage(args, main.name), line: lineNo, provides: [], requires: [] };
        packages.push(current);
        section = 'preamble';
      } else if (opened === 'files') {
        withFiles.add(sectionPackage(args, main.name));
      } else if (opened === 'changelog') {
        changelogStart = index + 2;
      }
      continue;
    }
    if (section === 'changelog') {
      changelogLines.push(expand(line));
      continue;
    }
    if (section !== 'preamble') continue;

    const tag = TAG_LINE.exec(line);
    if (tag === null) continue;
    const key = (tag[1] ?? '').toLowerCase();
    const value = expand(tag[3] ?? '');
    const source = /^(source|patch)(\d*)$/.exec(key);
    if (source !== null) {
      sources.push({
        kind: source[1] === 'source' ? 'source' : 'patch',
        number: source[2] === '' ? null : Number(source[2]),
        value,
        line: lineNo,
      });
      continue;
    }
    if (key === 'buildrequires' || key === 'requires' || key === 'provides') {
      const parsed = parseDependencyList(value);
      for (const p of parsed.problems) problems.push({ line: lineNo, message: `${tag[1]}: ${p.message}` });
      const deps = parsed.deps.map((d) => ({ ...d, line: lineNo }));
      if (key === 'buildrequires') buildRequires.push(...deps);
      else if (key === 'requires') current.requires.push(...deps);
      else current.provides.push(...deps);
      continue;
    }
    if (
      current === main &&
      [
        'name',
        'version',
        'release',
        'epoch',
        'summary',
        'license',
        'buildarch',
        'buildarchitectures',
      ].includes(key)
    ) {
      if (!tags.has(key)) tags.set(key, { value, line: lineNo });
      if (key === 'name') {
        main.name = value;
        main.line = lineNo;
      }
      // rpm defines these as macros as soon as the tag is read.
      if (!options.expanded && ['name', 'version', 'release', 'epoch'].includes(key)) macros.set(key, value);
    }
  }

  for (const open of conditions) problems.push({ line: open.line, message: 'unclosed %if' });
  for (const required of ['name', 'version', 'release', 'summary', 'license']) {
    if (!tags.has(required)) {
      problems.push({
        line: 0,
        message: `${required[0]?.toUpperCase()}${required.slice(1)} field must be present in package: (main package)`,
      });
    }
  }
  if (problems.length > 0 && !options.lenient) {
    const first = problems[0] as Problem;
    const rest =
      problems.length > 1
        ? ` (and ${problems.length - 1} more: ${problems
            .slice(1)
            .map((p) => `line ${p.line}: ${p.message}`)
            .join('; ')})`
        : '';
    throw new FerryError('FERRY_SPEC_INVALID', `${first.message}${rest}`, {
      file: options.file,
      ...(first.line > 0 ? { line: first.line } : {}),
    });
  }

  const epoch = tags.get('epoch');
  const buildArch = tags.get('buildarch') ?? tags.get('buildarchitectures');
  return {
    file: options.file,
    name: main.name,
    ...(epoch === undefined ? {} : { epoch: Number(epoch.value) }),
    version: tags.get('version')?.value ?? '',
    release: tags.get('release')?.value ?? '',
    ...(buildArch === undefined ? {} : { buildArch: buildArch.value }),
    sources,
    packages: packages.map((p) => ({
      name: p.name,
      line: p.line,
      provides: p.provides,
      requires: p.requires,
      hasFiles: withFiles.has(p.name),
    })),
    buildRequires,
    changelog: parseChangelog(changelogLines, changelogStart).map((e) => ({ ...e, line: at(e.line) })),
    reader: options.expanded ? 'rpmspec' : 'text',
  };
}
