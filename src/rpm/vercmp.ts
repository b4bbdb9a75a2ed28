/**
 * rpm's version segment comparison (rpmio/rpmvercmp.c), character for character.
 *
 * Rules, as rpm applies them to a version or a release string:
 * - the strings are split into runs of ASCII digits and runs of ASCII letters;
 *   every other character is a separator, and separators only delimit (`1.0`
 *   equals `1_0`, `1..0` and `1+0`); non-ASCII characters are separators too;
 * - `~` sorts before everything, even the end of the string (`1.0~rc1 < 1.0`);
 * - `^` sorts after the end of the string but before any further segment
 *   (`1.0 < 1.0^git1 < 1.0.1`);
 * - numeric runs compare as numbers of any length (leading zeros dropped,
 *   then the longer run wins, then digit by digit); letter runs compare
 *   bytewise (`A` < `a`);
 * - a numeric run is newer than a letter run at the same position;
 * - when every segment compared equal, the string with segments left over is
 *   newer; strings that differ only in separators are equal.
 */

export type VercmpResult = -1 | 0 | 1;

const TILDE = 0x7e;
const CARET = 0x5e;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Compares two version (or release) strings exactly as rpm's `rpmvercmp`:
 * 1 when `a` is newer, -1 when `b` is newer, 0 when they sort equal.
 *
 * @example
 *   rpmvercmp('1.0~rc1', '1.0') === -1
 *   rpmvercmp('1.0^git1', '1.0') === 1
 *   rpmvercmp('10.0001', '10.1') === 0
 */
export function rpmvercmp(a: string, b: string): VercmpResult {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  // NUL ends a C string: rpm never sees what follows it.
  const endA = a.includes('\0') ? a.indexOf('\0') : la;
  const endB = b.includes('\0') ? b.indexOf('\0') : lb;
  let i = 0;
  let j = 0;

  // Character at a position, 0 past the end (like the C string terminator).
  const ca = (k: number): number => (k < endA ? a.charCodeAt(k) : 0);
  const cb = (k: number): number => (k < endB ? b.charCodeAt(k) : 0);

  while (i < endA || j < endB) {
    let x = ca(i);
    while (x !== 0 && !isDigit(x) && !isAlpha(x) && x !== TILDE && x !== CARET) x = ca(++i);
    let y = cb(j);
    while (y !== 0 && !isDigit(y) && !isAlpha(y) && y !== TILDE && y !== CARET) y = cb(++j);

    if (x === TILDE || y === TILDE) {
      if (x !== TILDE) return 1;
      if (y !== TILDE) return -1;
      i++;
      j++;
      continue;
    }

    if (x === CARET || y === CARET) {
      if (x === 0) return -1;
      if (y === 0) return 1;
      if (x !== CARET) return 1;
      if (y !== CARET) return -1;
      i++;
      j++;
      continue;
    }

    if (x === 0 || y === 0) break;

    let ei = i;
    let ej = j;
    const numeric = isDigit(x);
    if (numeric) {
      while (isDigit(ca(ei))) ei++;
      while (isDigit(cb(ej))) ej++;
    } else {
      while (isAlpha(ca(ei))) ei++;
      while (isAlpha(cb(ej))) ej++;
    }

    // Segments of different kinds: the other side's run is empty. Numbers win.
    if (ej === j) return numeric ? 1 : -1;

    let si = i;
    let sj = j;
    if (numeric) {
      while (si < ei && a.charCodeAt(si) === 0x30) si++;
      while (sj < ej && b.charCodeAt(sj) === 0x30) sj++;
      const lenA = ei - si;
      const lenB = ej - sj;
      if (lenA > lenB) return 1;
      if (lenB > lenA) return -1;
    }

    // Bytewise comparison of the two runs (ASCII only here, so code units are bytes).
    const lenA = ei - si;
    const lenB = ej - sj;
    const common = Math.min(lenA, lenB);
    for (let k = 0; k < common; k++) {
      const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    if (lenA !== lenB) return lenA < lenB ? -1 : 1;

    i = ei;
    j = ej;
  }

  const restA = i < endA;
  const restB = j < endB;
  if (!restA && !restB) return 0;
  return restA ? 1 : -1;
}
