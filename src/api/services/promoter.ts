import { lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';

import {
  isChaserLabel,
  isValidLabelName,
  labelPath,
  snapshotDir,
  switchLabel,
  writeAggregateRepo,
} from '../../layout/index.js';
import type { CommitRecord, PromotionRecord, StoreApi } from '../../store/index.js';
import { MAX_NAME_BYTES, nameBytes } from '../../util/names.js';
import { HttpError } from '../http-error.js';
import type { KeyedMutex } from '../keyed-mutex.js';
import { LinkJournal } from './link-journal.js';

/** One promotion asked for: the snapshot's hashes and the name to give it. */
export interface PromotionRequest {
  readonly commitHash: string;
  readonly distroHash: string;
  readonly extendedHash?: string | undefined;
  readonly promoteName: string;
}

/** A promotion done: the commit promoted and the row recorded. */
export interface PromotionOutcome {
  readonly commit: CommitRecord;
  readonly promotion: PromotionRecord;
}

export interface PromoterOptions {
  readonly store: StoreApi;
  readonly reposDir: string;
  readonly reponame: string;
  readonly components: () => Promise<readonly string[]>;
  readonly clock: () => number;
  readonly mutex: KeyedMutex;
}

/**
 * DLRN's rule plus ferry's layout names: `current`, `consistent` (in any
 * case: a case-insensitive file system would make them one link), paths and
 * layout files are not promotion names (403, as DLRN). A name longer than
 * MAX_NAME_BYTES is a 400 first: it could not be a file name.
 */
export function checkPromoteName(name: string): void {
  if (nameBytes(name) > MAX_NAME_BYTES) {
    throw new HttpError(
      400,
      `Invalid parameters: promote_name: at most ${MAX_NAME_BYTES} bytes (it has ${nameBytes(name)})`,
    );
  }
  if (isChaserLabel(name) || !isValidLabelName(name)) {
    throw new HttpError(403, `Invalid promote_name ${name}`);
  }
}

interface Resolved {
  readonly request: PromotionRequest;
  readonly commit: CommitRecord;
  readonly link: string;
}

/**
 * Promotions: a label symlink pointing at a snapshot, and a row recording
 * it. Everything is checked before anything changes (names, commits, purged
 * snapshots, missing directories, a label path that is not a symlink); then,
 * holding the names' locks, the links are switched atomically, component
 * aggregates recomputed (one per promoted name), and the rows written in one
 * transaction. If any step fails, every link is put back as it was and no
 * row is written.
 */
export class Promoter {
  readonly #options: PromoterOptions;

  constructor(options: PromoterOptions) {
    this.#options = options;
  }

  async promote(requests: readonly PromotionRequest[], user: string | null): Promise<PromotionOutcome[]> {
    const batch = requests.length > 1;
    for (const request of requests) checkPromoteName(request.promoteName);
    const resolved: Resolved[] = [];
    for (const request of requests) resolved.push(await this.#resolve(request, batch));
    const names = resolved.map((item) => item.request.promoteName);
    return this.#options.mutex.run(names, () => this.#apply(resolved, user));
  }

  async #resolve(request: PromotionRequest, batch: boolean): Promise<Resolved> {
    const { store, reposDir } = this.#options;
    const hashes = `${request.commitHash}_${request.distroHash}_${request.extendedHash ?? 'None'}`;
    const commit = await store.findSuccessfulCommit({
      commitHash: request.commitHash,
      distroHash: request.distroHash,
      ...(request.extendedHash ? { extendedHash: request.extendedHash } : {}),
    });
    if (!commit) {
      throw new HttpError(
        400,
        `commit_hash+distro_hash+extended_hash combination not found${batch ? ` for ${hashes}` : ''}`,
      );
    }
    if (commit.purged) {
      throw new HttpError(
        410,
        `commit_hash+distro_hash+extended_hash ${hashes} has been purged, cannot promote it`,
      );
    }
    const dir = snapshotDir(reposDir, commit);
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) {
      throw new HttpError(410, `the snapshot of ${hashes} is not on disk (${dir}), cannot promote it`);
    }
    const link = labelPath(reposDir, request.promoteName, commit.component);
    const existing = await lstat(link).catch(() => null);
    if (existing && !existing.isSymbolicLink()) {
      throw new HttpError(
        409,
        `cannot promote to ${request.promoteName}: ${link} exists and is not a label symlink`,
      );
    }
    return { request, commit, link };
  }

  async #apply(resolved: readonly Resolved[], user: string | null): Promise<PromotionOutcome[]> {
    const { store, reposDir, reponame } = this.#options;
    const journal = new LinkJournal();
    try {
      for (const item of resolved) {
        await journal.remember(item.link);
        await switchLabel(reposDir, item.request.promoteName, item.commit);
      }
      const aggregates = new Map<string, string>();
      const aggregated = [
        ...new Set(
          resolved.filter((item) => isComponent(item.commit)).map((item) => item.request.promoteName),
        ),
      ];
      if (aggregated.length > 0) {
        const components = await this.#options.components();
        for (const name of aggregated) {
          for (const file of [`${reponame}.repo`, `${reponame}.repo.md5`, 'versions.csv']) {
            await journal.remember(join(reposDir, name, file));
          }
          const result = await writeAggregateRepo(reposDir, name, components, reponame);
          aggregates.set(name, result.hash);
        }
      }
      const timestamp = this.#options.clock();
      return await store.transaction(async (tx) => {
        const outcomes: PromotionOutcome[] = [];
        for (const item of resolved) {
          const promotion = await tx.recordPromotion({
            commitId: item.commit.id,
            promotionName: item.request.promoteName,
            timestamp,
            user,
            component: item.commit.component,
            aggregateHash: aggregates.get(item.request.promoteName) ?? null,
          });
          outcomes.push({ commit: item.commit, promotion });
        }
        return outcomes;
      });
    } catch (error) {
      const failed = await journal.rollback();
      if (failed.length > 0 && error instanceof Error) {
        error.message += ` (and these links could not be restored: ${failed.join(', ')})`;
      }
      throw error;
    }
  }
}

function isComponent(commit: CommitRecord): boolean {
  return commit.component !== null && commit.component !== '' && commit.component !== 'None';
}
