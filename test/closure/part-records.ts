import { DEPENDENCY_INDEX_TYPE, encodePackagePart } from '../../src/closure/index.js';
import type { PackageRecord } from '../../src/repo/package-record.js';
import type { RpmPackage } from '../../src/rpm/package.js';

/** Records standing for packages in a dependency index build: only identity and the index part matter. */
export function partRecords(models: readonly RpmPackage[]): PackageRecord[] {
  return models.map((model) => ({
    href: `${model.name}.rpm`,
    size: 0,
    mtimeMs: 0,
    pkgid: model.checksum.value,
    primary: new Uint8Array(0),
    filelists: new Uint8Array(0),
    other: new Uint8Array(0),
    parts: { [DEPENDENCY_INDEX_TYPE]: encodePackagePart(model) },
  }));
}
