import { FerryError } from '../errors.js';
import type { BuildDriver, BuildDriverFactory, BuildDriverOptions } from './build-driver.js';
import { createRpmbuildDriver } from './drivers/rpmbuild.js';

/**
 * Every build driver ferry has, by the id `build.driver` in ferry.yaml names.
 * A new driver is one more entry here: no discovery, no plugins.
 */
export const BUILD_DRIVERS = {
  rpmbuild: createRpmbuildDriver,
} as const satisfies Record<string, BuildDriverFactory>;

export type BuildDriverId = keyof typeof BUILD_DRIVERS;

export function isBuildDriverId(id: string): id is BuildDriverId {
  return Object.hasOwn(BUILD_DRIVERS, id);
}

/** The driver `id` names, made with `options`; FERRY_CONFIG_INVALID listing the known ids for an unknown one. */
export function createBuildDriver(id: string, options: BuildDriverOptions = {}): BuildDriver {
  if (!isBuildDriverId(id)) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `unknown build driver ${JSON.stringify(id)} (known: ${Object.keys(BUILD_DRIVERS).join(', ')})`,
    );
  }
  return BUILD_DRIVERS[id](options);
}
