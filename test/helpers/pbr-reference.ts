/**
 * pbr itself, as the reference for ferry's port of its versioning: a Python 3
 * that can `import pbr` (Debian/Fedora package python3-pbr, installed by
 * `scripts/install-deps.sh --test`). Tests fail with this message when none
 * is found; they never skip.
 */
import { exec } from '../../src/util/exec.js';

const CANDIDATES = ['/usr/bin/python3', 'python3'];

/** The first python3 that has pbr, or an Error telling how to install it. */
export async function pythonWithPbr(): Promise<string> {
  for (const python of CANDIDATES) {
    const result = await exec(python, ['-c', 'import pbr.version, setuptools'], { allowFailure: true }).catch(
      () => undefined,
    );
    if (result?.exitCode === 0) return python;
  }
  throw new Error(
    'these tests compare with pbr itself: install python3-pbr and python3-setuptools (scripts/install-deps.sh --test)',
  );
}

/** pbr's `SemanticVersion.from_pip_string(v).release_string()` for each input, or `ERROR` where pbr raises ValueError. */
export async function pbrParse(python: string, versions: readonly string[]): Promise<string[]> {
  const script = [
    'import json, sys',
    'from pbr.version import SemanticVersion',
    'out = []',
    'for v in json.load(sys.stdin):',
    '    try:',
    '        out.append(SemanticVersion.from_pip_string(v).release_string())',
    '    except ValueError:',
    "        out.append('ERROR')",
    'print(json.dumps(out))',
  ].join('\n');
  const { stdout } = await exec(python, ['-c', script], { input: JSON.stringify(versions) });
  return JSON.parse(stdout) as string[];
}

/** pbr's order of versions (Python's sorted() over SemanticVersion). */
export async function pbrSort(python: string, versions: readonly string[]): Promise<string[]> {
  const script = [
    'import json, sys',
    'from pbr.version import SemanticVersion',
    'vs = json.load(sys.stdin)',
    'print(json.dumps(sorted(vs, key=SemanticVersion.from_pip_string)))',
  ].join('\n');
  const { stdout } = await exec(python, ['-c', script], { input: JSON.stringify(versions) });
  return JSON.parse(stdout) as string[];
}

/** `python3 setup.py --version` in a pbr project's work tree: what DLRN runs. */
export async function setupPyVersion(python: string, dir: string): Promise<string> {
  const env = { ...process.env };
  delete env.PBR_VERSION;
  delete env.OSLO_PACKAGE_VERSION;
  const { stdout } = await exec(python, ['setup.py', '--version'], { cwd: dir, env, timeoutMs: 60_000 });
  return stdout.trim().split('\n').pop() ?? '';
}
