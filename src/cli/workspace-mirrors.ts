/**
 * Which workspace's `baseurl` maps to its `repos/` directory when a command
 * reads a `.repo` file (an aggregate label's `delorean.repo` names its
 * components by URL): `--workspace` when given, else the workspace holding
 * the file (the nearest directory above it with a ferry.yaml), else
 * $FERRY_HOME or the current directory when it is a workspace. None found:
 * no URL is mapped, every one is read where it points.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

import type { LocalMirror } from '../closure/index.js';

function enclosingWorkspace(file: string, configFile: string): string | undefined {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, configFile))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A `localMirrors` function for expandRepoArguments. The configuration
 * module loads only when a .repo file is read (start-up time of the others).
 */
export function workspaceMirrors(
  explicit: string | undefined,
): (repoFile: string) => Promise<readonly LocalMirror[]> {
  const opened = new Map<string, Promise<readonly LocalMirror[]>>();
  return async (repoFile) => {
    const { CONFIG_FILE, openWorkspace, resolveWorkspaceDir } = await import('../config/index.js');
    let root: string | undefined;
    if (explicit !== undefined) root = resolveWorkspaceDir(explicit);
    else {
      root = isAbsolute(repoFile) ? enclosingWorkspace(repoFile, CONFIG_FILE) : undefined;
      if (root === undefined) {
        const fallback = resolveWorkspaceDir(undefined);
        if (existsSync(join(fallback, CONFIG_FILE))) root = fallback;
      }
    }
    if (root === undefined) return [];
    let mirrors = opened.get(root);
    if (!mirrors) {
      mirrors = openWorkspace(root).then((workspace) => [
        { baseurl: workspace.config.baseurl, dir: workspace.reposDir },
      ]);
      opened.set(root, mirrors);
    }
    return mirrors;
  };
}
