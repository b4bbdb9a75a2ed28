import { readFile } from 'node:fs/promises';

import { FerryError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sectionOf } from './spec-parser.js';

/** What a trunk build changes in its copy of the distgit spec (DLRN's build_srpm.sh edits). */
export interface BuildSpecEdits {
  /** The RPM Version (stripped upstream version). */
  readonly version: string;
  /** The Release without dist: `%{?dist}` is appended, as DLRN does. */
  readonly release: string;
  /** `%define upstream_version` (the unstripped version); also replaces the `UPSTREAMVERSION` placeholder. */
  readonly upstreamVersion?: string;
  /** New value of `Source0:` (or `Source:`): the generated tarball's file name. */
  readonly source0?: string;
  /** `%global dlrn_nvr`: the tarball name without extension. */
  readonly dlrnNvr?: string;
  /** Add `%global dlrn 1` so specs can tell a trunk build (default true). */
  readonly markDlrn?: boolean;
  /**
   * `drop` (default, DLRN without keep_changelog): the copy keeps the
   * `%changelog` line and nothing after it, so old entries with other
   * versions do not end up in trunk packages; `keep`: leave it.
   */
  readonly changelog?: 'drop' | 'keep';
}

const PREAMBLE_SECTIONS = new Set(['preamble', 'package']);

/** Replaces the line matching `pattern` or inserts `line` at the top of `lines` (DLRN's `grep && sed || sed 1i`). */
function setTopDefinition(lines: string[], pattern: RegExp, line: string): void {
  let found = false;
  for (let i = 0; i < lines.length; i += 1) {
    if (pattern.test(lines[i] ?? '')) {
      lines[i] = line;
      found = true;
    }
  }
  if (!found) lines.unshift(line);
}

/**
 * Edits a spec's text for one trunk build (pure): Version, Release with
 * `%{?dist}`, Source0, `%define upstream_version`, `%global dlrn 1`,
 * `%global dlrn_nvr`, the `UPSTREAMVERSION` placeholder, and the changelog.
 * Unlike DLRN's sed, tag lines are replaced only in preamble sections, so a
 * `Version:` line inside a description or a script is left alone. Throws
 * FERRY_SPEC_INVALID when the spec has no Version or Release line to set,
 * or no Source0 when one is to be set.
 */
export function editSpecForBuild(text: string, edits: BuildSpecEdits, file = 'spec'): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let lines = text.split(/\r?\n/);
  if (edits.upstreamVersion !== undefined) {
    const upstream = edits.upstreamVersion;
    lines = lines.map((l) => l.replaceAll('UPSTREAMVERSION', upstream));
  }

  let section = 'preamble';
  const counts = { version: 0, release: 0, source0: 0 };
  let changelogAt = -1;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const opened = sectionOf(line);
    if (opened !== undefined) {
      section = opened;
      if (opened === 'changelog' && changelogAt < 0) changelogAt = i;
      continue;
    }
    if (!PREAMBLE_SECTIONS.has(section)) continue;
    const version = /^(Version\s*:\s*).*$/i.exec(line);
    if (version !== null) {
      lines[i] = `${version[1]}${edits.version}`;
      counts.version += 1;
      continue;
    }
    const release = /^(Release\s*:\s*).*$/i.exec(line);
    if (release !== null) {
      lines[i] = `${release[1]}${edits.release}%{?dist}`;
      counts.release += 1;
      continue;
    }
    const source0 = /^(Source0?\s*:\s*).*$/i.exec(line);
    if (source0 !== null && edits.source0 !== undefined) {
      lines[i] = `${source0[1]}${edits.source0}`;
      counts.source0 += 1;
    }
  }
  const missing = [
    counts.version === 0 ? 'Version' : undefined,
    counts.release === 0 ? 'Release' : undefined,
    edits.source0 !== undefined && counts.source0 === 0 ? 'Source0' : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length > 0) {
    throw new FerryError('FERRY_SPEC_INVALID', `no ${missing.join(', ')} line to set for the build`, {
      file,
    });
  }
  if ((edits.changelog ?? 'drop') === 'drop' && changelogAt >= 0) lines = lines.slice(0, changelogAt + 1);

  if (edits.upstreamVersion !== undefined) {
    setTopDefinition(
      lines,
      /^%(define|global)\s+upstream_version(\s|$)/,
      `%define upstream_version ${edits.upstreamVersion}`,
    );
  }
  if (edits.markDlrn ?? true) setTopDefinition(lines, /^%global\s+dlrn\s/, '%global dlrn 1');
  if (edits.dlrnNvr !== undefined)
    setTopDefinition(lines, /^%global\s+dlrn_nvr\s/, `%global dlrn_nvr ${edits.dlrnNvr}`);
  let out = lines.join(eol);
  if (!out.endsWith(eol)) out += eol;
  return out;
}

/**
 * Writes the edited copy of the spec at `source` to `target` atomically; the
 * distgit's own file is never touched.
 */
export async function writeBuildSpec(source: string, target: string, edits: BuildSpecEdits): Promise<string> {
  const text = await readFile(source, 'utf8');
  const edited = editSpecForBuild(text, edits, source);
  await writeFileAtomic(target, edited);
  return target;
}
