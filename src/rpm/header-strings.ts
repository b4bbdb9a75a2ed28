/**
 * String arrays of a main header, and the control characters createrepo_c
 * refuses in a package's metadata.
 */
import type { RpmHeader } from './rpm-header.js';

// eslint-disable-next-line no-control-regex
export const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NUL = /[\x01-\x08\x0b\x0c\x0e-\x1f]/;

/**
 * Reads string arrays and remembers whether any of them holds a control
 * character, so the exact (per kept item) check runs only for the rare
 * package that needs it.
 */
export class StringReader {
  suspicious = false;

  constructor(readonly header: RpmHeader) {}

  strings(tag: number, max = Infinity): string[] | undefined {
    const result = this.header.joinedStrings(tag, max);
    if (result === undefined) return undefined;
    if (result.count === 0) return [];
    if (!this.suspicious && CONTROL_BUT_NUL.test(result.joined)) this.suspicious = true;
    return result.joined.split('\0');
  }
}
