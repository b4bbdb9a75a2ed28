import type { StoreApi } from '../../store/index.js';
import { HttpError } from '../http-error.js';

/**
 * Refuses (403, before anything is recorded) a CI job name that names a
 * label ferry maintains: `current`, `consistent`, or any name that is or was
 * a promotion target. A vote is only a CI result; under such a name it
 * would read as the label's own record (DLRN's chaser votes `consistent`).
 * `field` is the request field, for the message.
 */
export async function checkJobName(store: StoreApi, field: string, name: string): Promise<void> {
  if (await store.isReservedJobName(name)) {
    throw new HttpError(
      403,
      `Invalid ${field} ${name}: current, consistent and promotion names are labels ferry maintains, not CI job names`,
    );
  }
}
