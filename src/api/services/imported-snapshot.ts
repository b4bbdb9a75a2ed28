import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { isFerryError } from '../../errors.js';
import { indexRepository, readRepodata, readRepomd } from '../../repo/index.js';
import type { RpmPackage } from '../../rpm/index.js';
import { RefusedImport } from './imported-commit.js';
import { fetchRemote, saveResponse, type RemoteClient, type SavedFile } from './remote-download.js';

const MAX_REPOMD_BYTES = 1024 * 1024;
const MAX_PRIMARY_BYTES = 512 * 1024 * 1024;
const MAX_RPM_BYTES = 4 * 1024 * 1024 * 1024;
/** createrepo_c's metadata file names: `repodata/<checksum>-primary.xml.gz` and the like. */
const METADATA_HREF = /^repodata\/[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function repodataProblem(error: unknown): string {
  return isFerryError(error) ? error.toString() : (error as Error).message;
}

/**
 * The packages the remote snapshot's own repodata lists, by file name:
 * repodata/repomd.xml and the primary file it names are downloaded into
 * `staging/repodata/`, checked against the checksums repomd.xml declares,
 * parsed, then removed (that metadata also lists the other packages the
 * remote snapshot links, which are not imported). A snapshot without
 * repodata is incomplete: the import is refused.
 */
export async function remoteRepodata(
  client: RemoteClient,
  base: string,
  staging: string,
): Promise<Map<string, RpmPackage>> {
  const where = `${base}/repodata`;
  const repomdUrl = `${base}/repodata/repomd.xml`;
  const repomdResponse = await fetchRemote(client, repomdUrl, MAX_REPOMD_BYTES);
  if (!repomdResponse) {
    throw new RefusedImport(where, ['the snapshot has no repodata/repomd.xml (HTTP 404): it is incomplete']);
  }
  await mkdir(join(staging, 'repodata'), { recursive: true });
  await saveResponse(repomdResponse, join(staging, 'repodata', 'repomd.xml'), {
    url: repomdUrl,
    limit: MAX_REPOMD_BYTES,
  });
  let primaryHref: string;
  try {
    const record = (await readRepomd(staging)).records.find((r) => r.type === 'primary');
    if (!record) throw new Error('repomd.xml has no "primary" record');
    primaryHref = record.href;
  } catch (error) {
    throw new RefusedImport(where, [repodataProblem(error)]);
  }
  if (!METADATA_HREF.test(primaryHref) || primaryHref.includes('..')) {
    throw new RefusedImport(where, [`repomd.xml names its primary metadata ${JSON.stringify(primaryHref)}`]);
  }
  const primaryUrl = `${base}/${primaryHref}`;
  const primary = await fetchRemote(client, primaryUrl, MAX_PRIMARY_BYTES);
  if (!primary) throw new RefusedImport(where, [`${primaryHref} is missing (HTTP 404)`]);
  await saveResponse(primary, join(staging, primaryHref), { url: primaryUrl, limit: MAX_PRIMARY_BYTES });
  let packages: RpmPackage[];
  try {
    ({ packages } = await readRepodata(staging, { filelists: false, other: false }));
  } catch (error) {
    throw new RefusedImport(where, [repodataProblem(error)]);
  }
  await rm(join(staging, 'repodata'), { recursive: true, force: true });
  const byName = new Map<string, RpmPackage>();
  for (const pkg of packages) if (pkg.locationBase === undefined) byName.set(pkg.locationHref, pkg);
  return byName;
}

/**
 * Downloads one RPM of the snapshot into `staging` and checks it against
 * what the remote repodata says of that file (size and checksum): the file
 * is the one the remote published, whole.
 */
export async function downloadListedRpm(
  client: RemoteClient,
  base: string,
  staging: string,
  name: string,
  listed: ReadonlyMap<string, RpmPackage>,
): Promise<SavedFile> {
  const expected = listed.get(name);
  if (!expected) throw new RefusedImport(base, [`${name} is not listed in the snapshot's repodata`]);
  const url = `${base}/${encodeURIComponent(name)}`;
  const response = await fetchRemote(client, url, Math.min(MAX_RPM_BYTES, expected.sizePackage));
  if (!response) throw new RefusedImport(base, [`${name}: listed in commit.yaml, missing (HTTP 404)`]);
  const saved = await saveResponse(response, join(staging, name), {
    url,
    limit: Math.min(MAX_RPM_BYTES, expected.sizePackage),
    digests: ['sha256', expected.checksum.type],
  });
  const actual = saved.digests[expected.checksum.type];
  if (saved.size !== expected.sizePackage || actual !== expected.checksum.value) {
    throw new RefusedImport(base, [
      `${name} does not match the snapshot's repodata (${saved.size} bytes, ${expected.checksum.type} ${actual ?? '?'}; ` +
        `repodata: ${expected.sizePackage} bytes, ${expected.checksum.value})`,
    ]);
  }
  return saved;
}

/**
 * Writes repodata for the RPMs of the staged snapshot (the repo library,
 * every RPM read: one that cannot be read refuses the import), then reads it
 * back and checks that it lists exactly the downloaded files, with their
 * sizes and sha256 checksums.
 */
export async function indexImportedRpms(
  staging: string,
  saved: ReadonlyMap<string, SavedFile>,
  where: string,
): Promise<void> {
  let result: Awaited<ReturnType<typeof indexRepository>>;
  try {
    result = await indexRepository(staging, { oneShot: true });
  } catch (error) {
    throw new RefusedImport(where, [repodataProblem(error)]);
  }
  if (!result.written) {
    throw new RefusedImport(
      where,
      result.broken.map((b) => `${b.href} is not a readable RPM: ${b.reason}`),
    );
  }
  const problems: string[] = [];
  let packages: RpmPackage[];
  try {
    ({ packages } = await readRepodata(staging));
  } catch (error) {
    // What this process just wrote: not the remote's fault, a bug.
    throw new Error(`the repodata written for ${where} cannot be read back: ${repodataProblem(error)}`, {
      cause: error,
    });
  }
  const hrefs = new Set(packages.map((p) => p.locationHref));
  for (const name of saved.keys()) if (!hrefs.has(name)) problems.push(`the repodata written lacks ${name}`);
  for (const pkg of packages) {
    const file = saved.get(pkg.locationHref);
    if (!file) problems.push(`the repodata written lists ${pkg.locationHref}, which was not imported`);
    else if (
      file.size !== pkg.sizePackage ||
      pkg.checksum.type !== 'sha256' ||
      file.digests.sha256 !== pkg.checksum.value
    ) {
      problems.push(`the repodata written does not match ${pkg.locationHref}`);
    }
  }
  if (problems.length > 0) throw new RefusedImport(where, problems);
}
