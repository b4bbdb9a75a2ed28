/**
 * What a closure's repository argument names. Besides a repository (a
 * directory holding repodata/, a URL), it may be a `.repo` file, local or
 * over HTTP(S), or a directory holding one and no repodata: with components,
 * a label such as `repos/current` is such an aggregate, its `delorean.repo`
 * naming one repository per component. Each enabled section then becomes a
 * repository of its own, named by its section id (repo-file-specs.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { FerryError } from '../errors.js';
// Deep import (not ../repo/index.js, which loads the writer): start-up time.
import { parseRepoFile } from '../repo/repo-file.js';
import { machineArch } from './closure-pool.js';
import { httpGet, type HttpLimits } from './http-get.js';
import { repoFileSpecs, type LocalMirror } from './repo-file-specs.js';
import { parseRepoSpec, type RepoLocation, type RepoSpec } from './repo-spec.js';

/** A .repo file is a few lines per repository: more than this is not one. */
const REPO_FILE_MAX_BYTES = 4 * 1024 * 1024;

export interface ExpandOptions {
  /** Base of relative paths (default: the current directory). */
  readonly cwd?: string;
  /** System architecture for `$arch` and `$basearch` (default: this machine's). */
  readonly arch?: string;
  /** `DNF_VAR_*` variables (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  readonly http?: HttpLimits;
  /**
   * The local mirrors that apply to a `.repo` file (its path or URL): base
   * URLs read from a directory instead, such as a workspace's `baseurl` and
   * its `repos/`. Called only for `.repo` files.
   */
  readonly localMirrors?: (repoFile: string) => Promise<readonly LocalMirror[]>;
}

type RepoFileRef =
  { readonly kind: 'local'; readonly path: string } | { readonly kind: 'http'; readonly url: string };

/** The .repo file a location names, if it names one rather than a repository. */
async function repoFileAt(location: RepoLocation): Promise<RepoFileRef | undefined> {
  if (location.kind === 'http') {
    const url = location.url.replace(/\/$/, '');
    return new URL(url).pathname.endsWith('.repo') ? { kind: 'http', url } : undefined;
  }
  const info = await stat(location.path).catch(() => undefined);
  if (info?.isFile()) return { kind: 'local', path: location.path };
  if (!info?.isDirectory()) return undefined;
  if (await stat(join(location.path, 'repodata', 'repomd.xml')).catch(() => undefined)) return undefined;
  const names = (await readdir(location.path)).filter((name) => name.endsWith('.repo')).sort();
  const files: string[] = [];
  for (const name of names) {
    if ((await stat(join(location.path, name)).catch(() => undefined))?.isFile()) files.push(name);
  }
  if (files.length > 1) {
    throw new FerryError(
      'FERRY_USAGE',
      `${location.path} has no repodata/ and several .repo files (${files.join(', ')}): name one`,
    );
  }
  return files.length === 1 ? { kind: 'local', path: join(location.path, files[0]!) } : undefined;
}

async function readRepoFile(ref: RepoFileRef, http: HttpLimits | undefined): Promise<string> {
  if (ref.kind === 'http') return (await httpGet(ref.url, http, REPO_FILE_MAX_BYTES)).toString('utf8');
  try {
    const data = await readFile(ref.path);
    if (data.length > REPO_FILE_MAX_BYTES) throw new Error(`larger than ${REPO_FILE_MAX_BYTES} bytes`);
    return data.toString('utf8');
  } catch (error) {
    throw new FerryError(
      'FERRY_USAGE',
      `cannot read the .repo file: ${error instanceof Error ? error.message : String(error)}`,
      {
        file: ref.path,
        cause: error,
      },
    );
  }
}

/** The repositories one argument names (several for a .repo file). */
export async function expandRepoArgument(text: string, options: ExpandOptions = {}): Promise<RepoSpec[]> {
  const spec = parseRepoSpec(text, options.cwd);
  const ref = await repoFileAt(spec.location);
  if (!ref) return [spec];
  const where = ref.kind === 'local' ? ref.path : ref.url;
  if (text.includes(',')) {
    throw new FerryError(
      'FERRY_USAGE',
      `${text}: ${where} is a .repo file, whose sections name its repositories: give it without ID,`,
    );
  }
  const sections = parseRepoFile(await readRepoFile(ref, options.http), where);
  return repoFileSpecs(sections, {
    file: where,
    arch: options.arch ?? machineArch(),
    ...(options.env ? { env: options.env } : {}),
    mirrors: (await options.localMirrors?.(where)) ?? [],
  });
}

/**
 * The repositories named by command-line arguments, in order.
 *
 * @example
 *   await expandRepoArguments(['repos/current'], { localMirrors: async () => [{ baseurl, dir: 'repos' }] })
 *   // one RepoSpec per component section of repos/current/delorean.repo
 */
export async function expandRepoArguments(
  texts: readonly string[],
  options: ExpandOptions = {},
): Promise<RepoSpec[]> {
  const expanded = await Promise.all(texts.map((text) => expandRepoArgument(text, options)));
  return expanded.flat();
}
