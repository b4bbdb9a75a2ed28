/**
 * The oldest Node.js ferry's own code runs on, checked by bin/ferry.js
 * before it loads anything else: on an older node the first import that
 * names a missing API (zlib.crc32, 20.15) would fail with a SyntaxError that
 * says nothing useful. Installing and testing ferry needs more (the engines
 * range of package.json, for its build and test tools; see README).
 * This module imports nothing, so it loads on any node.
 */

/** zlib.crc32 (gzip members of repodata) is the newest API ferry uses: 20.15.0 / 22.2.0. */
export const MINIMUM_NODE = '20.15.0';

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
}

/**
 * Why `version` (process.versions.node) cannot run ferry, or undefined.
 *
 * @example
 *   nodeVersionProblem('20.11.1') // 'ferry needs Node.js 20.15.0 or newer; this is 20.11.1 (/usr/bin/node): ...'
 *   nodeVersionProblem('22.12.0') // undefined
 */
export function nodeVersionProblem(version: string): string | undefined {
  const have = parts(version);
  const need = parts(MINIMUM_NODE);
  for (let i = 0; i < 3; i++) {
    if (have[i]! > need[i]!) return undefined;
    if (have[i]! < need[i]!) {
      return (
        `ferry needs Node.js ${MINIMUM_NODE} or newer; this is ${version} (${process.execPath}): ` +
        'install a newer Node.js (README, "Requirements")'
      );
    }
  }
  return undefined;
}
