import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DEFAULT_REPONAME, parseCommitYaml } from '../layout/index.js';
import { readRepomd } from '../repo/index.js';

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

/**
 * What a snapshot directory lacks for a consumer of a label pointing at it
 * (dnf through `<reponame>.repo`, CI reading commit.yaml and versions.csv);
 * empty when it is complete: commit.yaml of a SUCCESS build, versions.csv,
 * `<reponame>.repo`, and repodata whose repomd.xml parses and whose primary,
 * filelists and other files are there. Reads only; RPMs are not read.
 */
export async function snapshotGaps(dir: string, reponame: string = DEFAULT_REPONAME): Promise<string[]> {
  const info = await lstat(dir).catch(() => null);
  if (!info?.isDirectory()) return ['the snapshot directory is missing'];
  const gaps: string[] = [];
  for (const name of ['versions.csv', `${reponame}.repo`]) {
    if (!(await exists(join(dir, name)))) gaps.push(`${name} is missing`);
  }
  const yaml = await readFile(join(dir, 'commit.yaml'), 'utf8').catch(() => null);
  if (yaml === null) {
    gaps.push('commit.yaml is missing');
  } else {
    let status: string | undefined;
    try {
      status = parseCommitYaml(yaml)[0]?.status;
    } catch {
      status = undefined;
    }
    if (status !== 'SUCCESS') gaps.push('commit.yaml does not record a successful build');
  }
  try {
    const repomd = await readRepomd(dir);
    for (const type of ['primary', 'filelists', 'other']) {
      const record = repomd.records.find((r) => r.type === type);
      if (!record) gaps.push(`repodata/repomd.xml lists no ${type} metadata`);
      else if (!(await exists(join(dir, record.href)))) gaps.push(`${record.href} is missing`);
    }
  } catch (error) {
    gaps.push(
      (error as Error).message.startsWith('cannot read')
        ? 'repodata/ is missing'
        : 'repodata/repomd.xml is unreadable',
    );
  }
  return gaps;
}
