import { assertCommitHash, describeCommit, listFilesAt, readFileAt } from '../vcs/index.js';
import { incrementLastComponent, stripUpstreamVersion, type VersionStripRule } from './dlrn-version.js';
import { pbrVersion } from './pbr-version.js';

export const VERSION_SOURCES = [
  'override',
  'pbr',
  'python-static',
  'puppet',
  'git-describe',
  'none',
] as const;
/**
 * Where the upstream version came from: an explicit override, pbr's git
 * algorithm, a static version in Python metadata, a Puppet module's
 * metadata.json/Modulefile, `git describe --tags`, or nothing at all.
 */
export type VersionSource = (typeof VERSION_SOURCES)[number];

/** The version of one upstream commit, as DLRN computes it. */
export interface UpstreamVersion {
  readonly source: VersionSource;
  /** As the project's tooling reports it (`1.0.1.dev3`, `1.2.4`): the spec's `%{upstream_version}`. */
  readonly upstreamVersion: string;
  /** The RPM Version after DLRN's stripping (`1.0.1`). */
  readonly version: string;
  readonly stripRule: VersionStripRule;
  /** A Python project's name from setup.cfg (its sdist name), when there is one. */
  readonly pythonName?: string;
}

/** Tags DLRN deletes before asking `git describe` (private tags, end-of-life markers). */
export const IGNORED_TAG_PATTERNS: readonly string[] = ['private-*', '*-em', '*-eol', '*-eom'];

/** Reads `key` of `[section]` from INI text (setup.cfg); continuation lines are ignored (pure). */
export function iniValue(text: string, section: string, key: string): string | undefined {
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) {
      current = (header[1] ?? '').trim();
      continue;
    }
    if (current !== section || /^\s*[#;]/.test(line) || /^\s/.test(line)) continue;
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (match !== null && (match[1] ?? '').trim().replaceAll('-', '_') === key.replaceAll('-', '_')) {
      return (match[2] ?? '').trim();
    }
  }
  return undefined;
}

/** Whether a Python project uses pbr: setup.py passes `pbr=True` / requires pbr, or setup.cfg configures it (pure). */
export function usesPbr(setupPy: string | undefined, setupCfg: string | undefined): boolean {
  return (
    /\bpbr\s*=\s*True\b/.test(setupPy ?? '') ||
    /['"]pbr\b/.test(setupPy ?? '') ||
    /^\s*\[pbr\]\s*$/m.test(setupCfg ?? '')
  );
}

/** A literal `version="1.2.3"` in setup.py or `version = "1.2.3"` under pyproject's [project] (pure). */
export function staticPythonVersion(
  setupPy: string | undefined,
  setupCfg: string | undefined,
  pyproject: string | undefined,
): string | undefined {
  const fromCfg = setupCfg === undefined ? undefined : iniValue(setupCfg, 'metadata', 'version');
  if (fromCfg !== undefined && /^[0-9]/.test(fromCfg)) return fromCfg;
  if (pyproject !== undefined) {
    const fromToml = iniValue(pyproject, 'project', 'version');
    const unquoted = fromToml?.replace(/^["']|["']$/g, '');
    if (unquoted !== undefined && /^[0-9]/.test(unquoted)) return unquoted;
  }
  return /\bversion\s*=\s*['"]([0-9][^'"]*)['"]/.exec(setupPy ?? '')?.[1];
}

/** A Puppet module's version from metadata.json, or from a Modulefile's `version 'x'` line (pure). */
export function puppetVersion(
  metadataJson: string | undefined,
  modulefile: string | undefined,
): string | undefined {
  if (metadataJson !== undefined) {
    try {
      const parsed = JSON.parse(metadataJson) as { version?: unknown };
      if (typeof parsed.version === 'string' && parsed.version !== '') return parsed.version;
    } catch {
      // A broken metadata.json: DLRN's python call fails too and falls through to tags.
    }
  }
  if (modulefile === undefined) return undefined;
  const line = modulefile.split('\n').find((l) => l.includes('version'));
  return line === undefined ? undefined : /version *'(.*)'/.exec(line)?.[1];
}

/** Strips one leading v/V/r/R, as DLRN's `sed 's/^[vVrR]//'`. */
function stripTagPrefix(tag: string): string {
  return tag.replace(/^[vVrR]/, '');
}

/**
 * The version of `commit` the way DLRN's build_srpm.sh finds it, without
 * running any of the project's code:
 *
 * - a Python project (setup.py, no metadata.json) using pbr: pbr's own
 *   git-tag algorithm (see pbrVersion); without pbr: its static version;
 * - a Puppet module: metadata.json's (or Modulefile's) version;
 * - otherwise `git describe --abbrev=0 --tags` without the `v` prefix;
 * - for the last two, a tag followed by more commits bumps the last
 *   component (`1.2.3` + commits → `1.2.4`), unless it is an `-rc` version;
 * - no version anywhere: `0.0.1`.
 *
 * The result is stripped as DLRN strips (`1.0.0.0rc2.dev128` → `1.0.0`).
 *
 * @example
 *   const v = await upstreamVersion(mirror, hash);
 *   // { source: 'pbr', upstreamVersion: '1.0.1.dev3', version: '1.0.1', ... }
 */
export async function upstreamVersion(
  dir: string,
  commit: string,
  options: { readonly override?: string } = {},
): Promise<UpstreamVersion> {
  assertCommitHash(commit);
  if (options.override !== undefined) return finish('override', options.override);
  const names = new Set((await listFilesAt(dir, commit)).map((e) => e.path));
  const read = async (name: string): Promise<string | undefined> =>
    names.has(name) ? readFileAt(dir, commit, name) : undefined;

  if (names.has('setup.py') && !names.has('metadata.json')) {
    const [setupPy, setupCfg, pyproject] = await Promise.all([
      read('setup.py'),
      read('setup.cfg'),
      read('pyproject.toml'),
    ]);
    const pythonName = setupCfg === undefined ? undefined : iniValue(setupCfg, 'metadata', 'name');
    const named = pythonName === undefined || pythonName === '' ? {} : { pythonName };
    if (usesPbr(setupPy, setupCfg)) {
      const preVersion = setupCfg === undefined ? undefined : iniValue(setupCfg, 'metadata', 'version');
      const version = await pbrVersion(dir, commit, preVersion === undefined ? {} : { preVersion });
      return finish('pbr', version, named);
    }
    const fixed = staticPythonVersion(setupPy, setupCfg, pyproject);
    if (fixed !== undefined) return finish('python-static', fixed, named);
  }

  let version: string | undefined;
  let source: VersionSource = 'git-describe';
  const fromPuppet = puppetVersion(await read('metadata.json'), await read('Modulefile'));
  if (fromPuppet !== undefined) {
    version = fromPuppet;
    source = 'puppet';
  }
  const exclude = IGNORED_TAG_PATTERNS;
  const currentTag = await describeCommit(dir, commit, { tags: true, abbrev0: true, exclude });
  version ??= currentTag === undefined ? undefined : stripTagPrefix(currentTag);
  if (version !== undefined && currentTag !== undefined) {
    const described = await describeCommit(dir, commit, { tags: true, exclude });
    const post = described === undefined ? undefined : stripTagPrefix(described);
    if (
      post !== stripTagPrefix(currentTag) &&
      version === stripTagPrefix(currentTag) &&
      !version.includes('-rc')
    ) {
      version = incrementLastComponent(version);
    }
  }
  if (version === undefined || version === '') return finish('none', '0.0.1');
  return finish(source, version);
}

function finish(
  source: VersionSource,
  upstream: string,
  extra: { readonly pythonName?: string } = {},
): UpstreamVersion {
  const { version, rule } = stripUpstreamVersion(upstream);
  return { source, upstreamVersion: upstream, version, stripRule: rule, ...extra };
}
