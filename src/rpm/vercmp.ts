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

// Character classes of ASCII codes; everything else (non-ASCII included) is a separator.
const SEPARATOR = 0;
const DIGIT = 1;
const ALPHA = 2;
const TILDE = 3;
const CARET = 4;
const END = 5;

const CLASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = ALPHA;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = ALPHA;
CLASS[0x7e] = TILDE;
CLASS[0x5e] = CARET;

function classAt(text: string, index: number, end: number): number {
  if (index >= end) return END;
  const c = text.charCodeAt(index);
  return c < 128 ? CLASS[c]! : SEPARATOR;
}

/**
 * Compares two version (or release) strings exactly as rpm's `rpmvercmp`:
 * 1 when `a` is newer, -1 when `b` is newer, 0 when they sort equal.
 * (A NUL ends a C string; rpm never sees one inside a version, so neither does this.)
 *
 * @example
 *   rpmvercmp('1.0~rc1', '1.0') === -1
 *   rpmvercmp('1.0^git1', '1.0') === 1
 *   rpmvercmp('10.0001', '10.1') === 0
 */
export function rpmvercmp(a: string, b: string): VercmpResult {
  if (a === b) return 0;
  const endA = a.length;
  const endB = b.length;
  let i = 0;
  let j = 0;

  while (i < endA || j < endB) {
    let x = classAt(a, i, endA);
    while (x === SEPARATOR) x = classAt(a, ++i, endA);
    let y = classAt(b, j, endB);
    while (y === SEPARATOR) y = classAt(b, ++j, endB);

    // Tilde sorts before everything, even the end of the string.
    if (x === TILDE || y === TILDE) {
      if (x !== TILDE) return 1;
      if (y !== TILDE) return -1;
      i++;
      j++;
      continue;
    }

    // Caret sorts after the end of the string but before any other segment.
    if (x === CARET || y === CARET) {
      if (x === END) return -1;
      if (y === END) return 1;
      if (x !== CARET) return 1;
      if (y !== CARET) return -1;
      i++;
      j++;
      continue;
    }

    if (x === END || y === END) break;

    // One run of digits or of letters on each side, of the kind `a` has here.
    let ei = i + 1;
    let ej = j;
    while (classAt(a, ei, endA) === x) ei++;
    while (classAt(b, ej, endB) === x) ej++;

    // Segments of different kinds: the other side's run is empty. Numbers win.
    if (ej === j) return x === DIGIT ? 1 : -1;

    let si = i;
    let sj = j;
    if (x === DIGIT) {
      while (si < ei && a.charCodeAt(si) === 0x30) si++;
      while (sj < ej && b.charCodeAt(sj) === 0x30) sj++;
      const lengthA = ei - si;
      const lengthB = ej - sj;
      if (lengthA !== lengthB) return lengthA > lengthB ? 1 : -1;
    }

    // Bytewise comparison of the runs (ASCII here, so code units are bytes).
    const lengthA = ei - si;
    const lengthB = ej - sj;
    const common = lengthA < lengthB ? lengthA : lengthB;
    for (let k = 0; k < common; k++) {
      const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    if (lengthA !== lengthB) return lengthA < lengthB ? -1 : 1;

    i = ei;
    j = ej;
  }

  // Everything compared equal: the side with something left (not only separators) is newer.
  if (i >= endA && j >= endB) return 0;
  return i < endA ? 1 : -1;
}
