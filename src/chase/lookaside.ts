import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

import { FerryError } from '../errors.js';
import { parseRepomd, readRepodata } from '../repo/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { lookasidePackages, type ProvidingPackage, type RpmHeaderCache } from './build-requires.js';

async function hasRepodata(dir: string): Promise<boolean> {
  return stat(join(dir, 'repodata', 'repomd.xml')).then(
    () => true,
    () => false,
  );
}

async function download(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new FerryError('FERRY_REPODATA_INVALID', `cannot fetch ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok)
    throw new FerryError('FERRY_REPODATA_INVALID', `cannot fetch ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Copies a remote repository's repomd.xml, primary and filelists into
 * `<cacheDir>/<sha of url>/repodata/` (only the files that changed), so it
 * can be read like a local one.
 */
async function mirrorRemoteRepodata(url: string, cacheDir: string, timeoutMs: number): Promise<string> {
  const base = url.replace(/\/+$/, '');
  const dir = join(cacheDir, createHash('sha256').update(base).digest('hex').slice(0, 16));
  const repomdText = (await download(`${base}/repodata/repomd.xml`, timeoutMs)).toString('utf8');
  const repomd = parseRepomd(repomdText, `${base}/repodata/repomd.xml`);
  await mkdir(join(dir, 'repodata'), { recursive: true });
  for (const record of repomd.records.filter((r) => r.type === 'primary' || r.type === 'filelists')) {
    const target = resolve(dir, record.href);
    if (!target.startsWith(`${dir}/`)) {
      throw new FerryError(
        'FERRY_REPODATA_INVALID',
        `${base}: repomd.xml names a file outside the repository: ${record.href}`,
      );
    }
    const present = await stat(target).then(
      (s) => s.size === record.size,
      () => false,
    );
    if (!present) await writeFile(target, await download(`${base}/${record.href}`, timeoutMs));
  }
  await writeFileAtomic(join(dir, 'repodata', 'repomd.xml'), repomdText);
  return dir;
}

/**
 * The packages of the lookaside repositories (ferry.yaml `build.lookaside`):
 * a directory with repodata is read from its metadata, a directory without
 * from its RPM headers, an http(s) URL from its remote metadata (cached under
 * `cacheDir`). Relative paths are relative to the workspace.
 */
export async function loadLookaside(
  entries: readonly string[],
  options: {
    readonly workspaceRoot: string;
    readonly cacheDir: string;
    readonly headers: RpmHeaderCache;
    readonly timeoutMs?: number;
  },
): Promise<ProvidingPackage[]> {
  const packages: ProvidingPackage[] = [];
  for (const entry of entries) {
    let dir: string;
    if (/^https?:\/\//.test(entry)) {
      dir = await mirrorRemoteRepodata(entry, options.cacheDir, options.timeoutMs ?? 60_000);
    } else {
      const path = entry.startsWith('file://') ? new URL(entry).pathname : entry;
      dir = isAbsolute(path) ? path : resolve(options.workspaceRoot, path);
    }
    if (await hasRepodata(dir)) {
      const contents = await readRepodata(dir, { other: false });
      packages.push(...contents.packages.filter((p) => p.arch !== 'src'));
    } else {
      const found = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!found)
        throw new FerryError('FERRY_CONFIG_INVALID', `lookaside repository ${entry}: no such directory`);
      packages.push(...(await lookasidePackages(dir, options.headers)));
    }
  }
  return packages;
}
