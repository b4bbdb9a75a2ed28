import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

import {
  aggregateLabels,
  checkAggregateRepo,
  DEFAULT_REPONAME,
  findStaleAsideFiles,
  listLabels,
} from '../layout/index.js';
import { snapshotGaps } from './snapshot-check.js';

export const WORKSPACE_PROBLEM_KINDS = ['incomplete-snapshot', 'stale-aggregate', 'stale-temporary'] as const;
/** What `ferry status` found out of agreement in `repos/`. */
export type WorkspaceProblemKind = (typeof WORKSPACE_PROBLEM_KINDS)[number];

/** One disagreement between `repos/` and what its labels say it should hold. */
export interface WorkspaceProblem {
  readonly kind: WorkspaceProblemKind;
  /** The label or file at fault, relative to the workspace. */
  readonly path: string;
  readonly message: string;
}

/** Where to look. */
export interface WorkspacePaths {
  readonly workspaceRoot: string;
  readonly reposDir: string;
  /** DLRN's reponame (`delorean`). */
  readonly reponame?: string;
}

/**
 * Checks that every derived file of `repos/` agrees with the labels, as the
 * chaser's recovery leaves it: each label (top level and of every component
 * directory)
 * shows a complete snapshot (snapshotGaps); with components, each aggregate
 * label directory holds the aggregate of its components' labels as they are
 * now; no temporary file of a dead process is left anywhere ferry writes
 * them. Reads only.
 */
export async function checkWorkspace(
  paths: WorkspacePaths,
  /** The catalog's components: those an aggregate joins (none: no aggregates). */
  components: readonly string[],
): Promise<WorkspaceProblem[]> {
  const { workspaceRoot, reposDir } = paths;
  const reponame = paths.reponame ?? DEFAULT_REPONAME;
  const problems: WorkspaceProblem[] = [];
  const labels = [...(await listLabels(reposDir))];
  // Every component directory on disk, also of components that left the catalog.
  const onDisk = await readdir(join(reposDir, 'component'), { withFileTypes: true }).catch(() => []);
  for (const entry of onDisk.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    labels.push(...(await listLabels(reposDir, entry.name).catch(() => [])));
  }
  for (const label of labels) {
    const gaps = await snapshotGaps(label.dir, reponame);
    if (gaps.length === 0) continue;
    const name = label.component ? `component/${label.component}/${label.label}` : label.label;
    problems.push({
      kind: 'incomplete-snapshot',
      path: relative(workspaceRoot, join(reposDir, name)),
      message: `label ${name} points at ${relative(workspaceRoot, label.dir)}, an incomplete snapshot: ${gaps.join('; ')}`,
    });
  }
  if (components.length > 0) {
    for (const label of await aggregateLabels(reposDir, components, reponame)) {
      const check = await checkAggregateRepo(reposDir, label, components, reponame);
      if (check.problems.length === 0) continue;
      problems.push({
        kind: 'stale-aggregate',
        path: relative(workspaceRoot, join(reposDir, label)),
        message: `the aggregate of ${label} does not match its components' labels (aggregate hash ${check.expectedHash}, shown ${check.shownHash ?? 'none'}): ${check.problems.join('; ')}`,
      });
    }
  }
  for (const file of findStaleAsideFiles(reposDir)) {
    problems.push({
      kind: 'stale-temporary',
      path: relative(workspaceRoot, join(reposDir, file)),
      message: `temporary file of a dead process: ${relative(workspaceRoot, join(reposDir, file))}`,
    });
  }
  return problems;
}
