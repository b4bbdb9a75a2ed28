import type { FerryConfig } from '../config/index.js';

/**
 * The rpm macros every build of a workspace defines: `dist` and the
 * distribution's others from ferry.yaml's `distro` section (`macros` wins
 * over `dist` when both name `dist`).
 *
 * @example
 *   buildMacros({ dist: '.el9', macros: { rhel: 9 } }) // { dist: '.el9', rhel: 9 }
 */
export function buildMacros(distro: FerryConfig['distro']): Readonly<Record<string, string | number>> {
  return { dist: distro.dist, ...distro.macros };
}
