/**
 * Versioning benchmark. DLRN finds the version of a Python project by
 * running `python setup.py --version` (pbr) in a mock chroot for every
 * build; ferry computes pbr's answer from git directly. Both run here on the
 * same history: a pbr project with N commits, an annotated release tag every
 * 200 commits, a Sem-Ver feature line now and then, and merged topic
 * branches. The history is generated once with git fast-import and cached
 * under .bench-cache/versioning/. Each side runs in its own process; peak
 * memory is that process's maximum RSS. The versions must agree.
 *
 * usage: npx tsx bench/versioning/main.ts [--commits N] [--iterations N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: { commits: { type: 'string', default: '5000' }, iterations: { type: 'string', default: '5' } },
});
const commits = Number(values.commits);
const iterations = Number(values.iterations);

/** A git fast-import stream for the history described above. */
function history(count: number): string {
  const out: string[] = [];
  const setupCfg = '[metadata]\nname = bench-proj\n\n[files]\npackages = bench\n';
  const setupPy = 'import setuptools\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n';
  const blob = (path: string, data: string): string =>
    `M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}`;
  let mark = 0;
  let mainTip = 0;
  const time = (i: number): number => 1_600_000_000 + i * 600;
  for (let i = 0; i < count; i++) {
    mark += 1;
    const message = i % 97 === 0 && i > 0 ? `Change ${i}\n\nSem-Ver: feature\n` : `Change ${i}\n`;
    const onTopic = i % 50 >= 45; // every 50 commits, 5 go to a topic branch, merged after
    out.push(`commit refs/heads/${onTopic ? 'topic' : 'master'}`);
    out.push(`mark :${mark}`);
    out.push(`committer Bench <bench@ferry.invalid> ${time(i)} +0000`);
    out.push(`data ${Buffer.byteLength(message)}\n${message}`);
    if (onTopic && i % 50 === 45) out.push(`from :${mainTip}`);
    if (!onTopic && i % 50 === 0 && i > 0) out.push(`merge :${mark - 1}`);
    if (i === 0) {
      out.push('deleteall');
      out.push(blob('setup.cfg', setupCfg), blob('setup.py', setupPy), blob('bench/__init__.py', ''));
    }
    out.push(blob(`src/file${i % 100}.txt`, `${i}\n`));
    if (!onTopic) mainTip = mark;
    out.push('');
    if (!onTopic && i % 200 === 0 && i > 0) {
      const tag = `${1 + Math.floor(i / 1000)}.${Math.floor(i / 200) % 5}.0`;
      const text = `Release ${tag}\n`;
      out.push(
        `tag ${tag}\nfrom :${mark}\ntagger Bench <bench@ferry.invalid> ${time(i)} +0000\ndata ${text.length}\n${text}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function prepare(count: number): string {
  const dir = join(ROOT, '.bench-cache', 'versioning', `pbr-${count}`);
  if (existsSync(join(dir, '.git', 'ferry-bench-done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'master', dir]);
  execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: history(count), maxBuffer: 1 << 30 });
  execFileSync('git', ['-C', dir, 'checkout', '-q', '-f', 'master']);
  execFileSync('touch', [join(dir, '.git', 'ferry-bench-done')]);
  return dir;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function pythonWithPbr(): string {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import pbr.version'], { encoding: 'utf8' }).status === 0) return python;
  }
  throw new Error('python3 with pbr not found: install python3-pbr (scripts/install-deps.sh --test)');
}

/** Wall time and peak RSS of `python setup.py --version`, through GNU time. */
function setupPy(python: string, dir: string): { ms: number; maxRssKb: number; version: string } {
  const env = { ...process.env };
  delete env.PBR_VERSION;
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', python, 'setup.py', '--version'], {
    cwd: dir,
    encoding: 'utf8',
    env,
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`setup.py --version failed:\n${result.stderr}`);
  return {
    ms,
    maxRssKb: Number(result.stderr.trim().split('\n').at(-1)),
    version: result.stdout.trim().split('\n').at(-1) ?? '',
  };
}

const repo = prepare(commits);
const python = pythonWithPbr();
const count = execFileSync('git', ['-C', repo, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim();
const ferry = JSON.parse(
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/versioning/measure.ts'), repo, String(iterations)],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  ),
) as { version: string; times: number[]; maxRssKb: number };
const reference = Array.from({ length: iterations }, () => setupPy(python, repo));

const ferryMs = median(ferry.times);
const pbrMs = median(reference.map((r) => r.ms));
const rows = [
  ['ferry upstreamVersion (pbr port)', ferry.version, ferryMs, ferry.maxRssKb],
  [
    'python setup.py --version (pbr)',
    reference[0]?.version ?? '',
    pbrMs,
    Math.max(...reference.map((r) => r.maxRssKb)),
  ],
] as const;
process.stdout.write(`history: ${count} commits reachable from HEAD (${repo})\n`);
for (const [what, version, ms, rss] of rows) {
  process.stdout.write(
    `${what.padEnd(36)} ${version.padEnd(14)} ${ms.toFixed(1).padStart(9)} ms  peak ${(rss / 1024).toFixed(1)} MiB\n`,
  );
}
process.stdout.write(
  `ratio (setup.py / ferry): ${(pbrMs / ferryMs).toFixed(1)}x  (median of ${iterations})\n`,
);
if (ferry.version !== reference[0]?.version) {
  process.stderr.write(`versions differ: ferry ${ferry.version}, pbr ${reference[0]?.version ?? ''}\n`);
  process.exit(1);
}
