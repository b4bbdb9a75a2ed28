/**
 * The binary layout of an .rpm file: the 96-byte lead, then two headers (the
 * signature header, padded to 8 bytes, and the main header), then the
 * payload. A header is a 16-byte intro (magic, reserved, index count, data
 * length), an index of 16-byte entries (tag, type, offset, count; big-endian)
 * and a data store the entries point into.
 *
 * Everything here is pure and bounds-checked: a corrupt or truncated file
 * gives a FERRY_RPM_INVALID error saying what is wrong and where, never an
 * exception from a typed array or a garbage value. Values are decoded lazily,
 * when a tag is asked for, so reading the few tags repodata needs stays cheap.
 */
import { isUtf8 } from 'node:buffer';

import { FerryError } from '../errors.js';

/** Tags read by ferry (rpm's include/rpm/rpmtag.h). */
export const RPM_TAG = {
  HEADERSIGNATURES: 62,
  HEADERIMMUTABLE: 63,
  HEADERI18NTABLE: 100,
  // Signature header tags.
  SIG_SIZE: 1000,
  SIG_PAYLOADSIZE: 1007,
  SIG_SHA1: 269,
  SIG_LONGSIZE: 270,
  SIG_LONGARCHIVESIZE: 271,
  SIG_SHA256: 273,
  // Main header tags.
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  DESCRIPTION: 1005,
  BUILDTIME: 1006,
  BUILDHOST: 1007,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  PACKAGER: 1015,
  GROUP: 1016,
  URL: 1020,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILEMODES: 1030,
  FILEDIGESTS: 1035,
  FILEFLAGS: 1037,
  SOURCERPM: 1044,
  ARCHIVESIZE: 1046,
  PROVIDENAME: 1047,
  REQUIREFLAGS: 1048,
  REQUIRENAME: 1049,
  REQUIREVERSION: 1050,
  CONFLICTFLAGS: 1053,
  CONFLICTNAME: 1054,
  CONFLICTVERSION: 1055,
  CHANGELOGTIME: 1080,
  CHANGELOGNAME: 1081,
  CHANGELOGTEXT: 1082,
  OBSOLETENAME: 1090,
  SOURCEPACKAGE: 1106,
  PROVIDEFLAGS: 1112,
  PROVIDEVERSION: 1113,
  OBSOLETEFLAGS: 1114,
  OBSOLETEVERSION: 1115,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  OLDSUGGESTSNAME: 1156,
  OLDSUGGESTSVERSION: 1157,
  OLDSUGGESTSFLAGS: 1158,
  OLDENHANCESNAME: 1159,
  OLDENHANCESVERSION: 1160,
  OLDENHANCESFLAGS: 1161,
  LONGSIZE: 5009,
  LONGARCHIVESIZE: 271,
  RECOMMENDNAME: 5046,
  RECOMMENDVERSION: 5047,
  RECOMMENDFLAGS: 5048,
  SUGGESTNAME: 5049,
  SUGGESTVERSION: 5050,
  SUGGESTFLAGS: 5051,
  SUPPLEMENTNAME: 5052,
  SUPPLEMENTVERSION: 5053,
  SUPPLEMENTFLAGS: 5054,
  ENHANCENAME: 5055,
  ENHANCEVERSION: 5056,
  ENHANCEFLAGS: 5057,
} as const;

/** Entry data types, by number (rpm's rpmTagType). */
export const RPM_TYPE_NAMES = [
  'NULL',
  'CHAR',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'STRING',
  'BIN',
  'STRING_ARRAY',
  'I18NSTRING',
] as const;
export type RpmTypeName = (typeof RPM_TYPE_NAMES)[number];

const TYPE_STRING = 6;
const TYPE_BIN = 7;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;
/** Byte size (and alignment) of one item of the fixed-size types. */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 1, 1] as const;

export const LEAD_SIZE = 96;
const LEAD_MAGIC = 0xedabeedb;
const HEADER_MAGIC = 0x8eade801;
const INTRO_SIZE = 16;
const ENTRY_SIZE = 16;
/** rpm's own sanity limits (lib/header.cc: HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;

/** A FERRY_RPM_INVALID error without the file name (rpm-file-reader.ts adds it). */
export function rpmFormatError(message: string): FerryError {
  return new FerryError('FERRY_RPM_INVALID', message);
}

/** The lead: mostly obsolete, but its magic and signature type identify an rpm. */
export interface RpmLead {
  readonly major: number;
  readonly minor: number;
  /** 0 binary, 1 source. */
  readonly type: number;
}

/** Big-endian reads without allocating a DataView (done thousands of times per index). */
function u32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

function u16(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}

export function parseLead(buf: Uint8Array): RpmLead {
  if (buf.length >= 4 && u32(buf, 0) !== LEAD_MAGIC) throw rpmFormatError('not an rpm file: bad lead magic');
  if (buf.length < LEAD_SIZE) {
    throw rpmFormatError(`truncated at byte ${buf.length}: the lead needs ${LEAD_SIZE} bytes`);
  }
  const major = buf[4]!;
  if (major !== 3 && major !== 4) throw rpmFormatError(`unsupported rpm format version ${major}`);
  const sigType = u16(buf, 78);
  if (sigType !== 5) throw rpmFormatError(`unsupported signature type ${sigType} in the lead`);
  return { major, minor: buf[5]!, type: u16(buf, 6) };
}

function dataView(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Size in bytes of the header starting at `start` (intro + index + data), read from its intro. */
export function headerSizeAt(buf: Uint8Array, start: number, what: string): number {
  if (start + INTRO_SIZE > buf.length) {
    throw rpmFormatError(`truncated at byte ${buf.length}: the ${what} header starts at byte ${start}`);
  }
  if (u32(buf, start) !== HEADER_MAGIC) {
    throw rpmFormatError(`bad ${what} header magic at byte ${start}`);
  }
  const count = u32(buf, start + 8);
  const dataLength = u32(buf, start + 12);
  if (count === 0 || count > MAX_ENTRIES) {
    throw rpmFormatError(`${what} header at byte ${start} claims ${count} index entries`);
  }
  if (dataLength > MAX_DATA) {
    throw rpmFormatError(`${what} header at byte ${start} claims ${dataLength} bytes of data`);
  }
  return INTRO_SIZE + count * ENTRY_SIZE + dataLength;
}

/** Where the main header starts, given the signature header's size (it is padded to 8 bytes). */
export function mainHeaderStart(signatureSize: number): number {
  return LEAD_SIZE + signatureSize + ((8 - (signatureSize % 8)) % 8);
}

/** Bit per type number, for "is this entry's type one of these" checks. */
const STRINGISH = (1 << TYPE_STRING) | (1 << TYPE_STRING_ARRAY) | (1 << TYPE_I18NSTRING);
const INTEGER = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5);

/**
 * One parsed header. Accessors return `undefined` for an absent tag and throw
 * FERRY_RPM_INVALID when a present tag has the wrong type or points outside
 * the data store.
 */
export class RpmHeader {
  /** Byte offset of the header's magic in the buffer it was parsed from. */
  readonly start: number;
  /** Byte offset just past the header. */
  readonly end: number;
  private readonly buf: Buffer;
  private readonly view: DataView;
  private readonly dataStart: number;
  private readonly dataLength: number;
  /** Where the index entries start, and how many: read in place, nothing copied (headers are read by the thousand). */
  private readonly indexStart: number;
  private readonly entryCount: number;
  private readonly what: string;

  private constructor(buf: Buffer, start: number, what: string) {
    const size = headerSizeAt(buf, start, what);
    if (start + size > buf.length) {
      throw rpmFormatError(
        `truncated at byte ${buf.length}: the ${what} header at byte ${start} needs ${size} bytes`,
      );
    }
    this.buf = buf;
    this.view = dataView(buf);
    this.what = what;
    this.start = start;
    this.end = start + size;
    const count = this.view.getUint32(start + 8);
    this.dataLength = this.view.getUint32(start + 12);
    this.dataStart = start + INTRO_SIZE + count * ENTRY_SIZE;
    this.indexStart = start + INTRO_SIZE;
    this.entryCount = count;
    for (let i = 0, at = start + INTRO_SIZE; i < count; i++, at += ENTRY_SIZE) {
      const tag = this.view.getUint32(at);
      const type = this.view.getUint32(at + 4);
      const offset = this.view.getInt32(at + 8);
      const itemCount = this.view.getUint32(at + 12);
      this.checkEntry(tag, type, offset, itemCount);
    }
  }

  /** Parses the header whose magic is at `start`; `what` names it in errors ("signature", "main"). */
  static parse(buf: Uint8Array, start: number, what: string): RpmHeader {
    const buffer = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    return new RpmHeader(buffer, start, what);
  }

  private checkEntry(tag: number, type: number, offset: number, count: number): void {
    // Messages are built only in the failing branches: this runs for every entry of every header.
    if (type >= RPM_TYPE_NAMES.length) throw this.entryError(tag, `unknown data type ${type}`);
    if (offset < 0 || offset > this.dataLength) {
      throw this.entryError(tag, `data offset ${offset} out of range (data is ${this.dataLength} bytes)`);
    }
    if (count === 0 || count > MAX_DATA) throw this.entryError(tag, `bad item count ${count}`);
    const size = TYPE_SIZE[type]!;
    if (size > 1 && offset % size !== 0) {
      throw this.entryError(tag, `${RPM_TYPE_NAMES[type]} data at offset ${offset} is misaligned`);
    }
    if (((1 << type) & STRINGISH) === 0 && offset + count * size > this.dataLength) {
      throw this.entryError(tag, `${count} items at offset ${offset} run past the end of the data`);
    }
  }

  private entryError(tag: number, problem: string): FerryError {
    return rpmFormatError(`${this.what} header tag ${tag}: ${problem}`);
  }

  /** Index of the entry for a tag; the last one wins, as entries added after the immutable region ("dribble") replace earlier ones. */
  private find(tag: number): number {
    const view = this.view;
    for (let i = this.entryCount - 1, at = this.indexStart + 16 * i; i >= 0; i--, at -= 16) {
      if (view.getUint32(at) === tag) return i;
    }
    return -1;
  }

  private typeAt(i: number): number {
    return this.view.getUint32(this.indexStart + 16 * i + 4);
  }

  private offsetAt(i: number): number {
    return this.view.getInt32(this.indexStart + 16 * i + 8);
  }

  private countAt(i: number): number {
    return this.view.getUint32(this.indexStart + 16 * i + 12);
  }

  has(tag: number): boolean {
    return this.find(tag) >= 0;
  }

  /** Number of items of a tag (0 when absent). */
  count(tag: number): number {
    const i = this.find(tag);
    return i < 0 ? 0 : this.countAt(i);
  }

  /** The whole header as stored in the file (what its SHA1/SHA256 digests cover). */
  bytes(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  private entry(tag: number, allowed: number, expected: string): number {
    const i = this.find(tag);
    if (i >= 0 && ((1 << this.typeAt(i)) & allowed) === 0) {
      throw rpmFormatError(
        `${this.what} header tag ${tag}: type mismatch, has ${RPM_TYPE_NAMES[this.typeAt(i)]}, expected ${expected}`,
      );
    }
    return i;
  }

  /** A STRING, or the first (C locale) item of an I18NSTRING or STRING_ARRAY. */
  string(tag: number): string | undefined {
    const i = this.entry(tag, STRINGISH, 'STRING');
    if (i < 0) return undefined;
    const begin = this.dataStart + this.offsetAt(i);
    return this.decode(begin, this.stringsEnd(tag, begin, 1));
  }

  /**
   * All items of a STRING_ARRAY (or I18NSTRING, or a STRING as one item)
   * joined by NUL characters, decoded in one go: the cheap form for callers
   * that scan or split many small strings.
   */
  joinedStrings(
    tag: number,
    max = Infinity,
  ): { readonly joined: string; readonly count: number } | undefined {
    const i = this.entry(tag, STRINGISH, 'STRING_ARRAY');
    if (i < 0) return undefined;
    const count = Math.min(max, this.typeAt(i) === TYPE_STRING ? 1 : this.countAt(i));
    if (count === 0) return { joined: '', count: 0 };
    const begin = this.dataStart + this.offsetAt(i);
    const end = this.stringsEnd(tag, begin, count);
    const joined = this.buf.toString('utf8', begin, end);
    if (!joined.includes('\uFFFD') || isUtf8(this.buf.subarray(begin, end))) return { joined, count };
    // Some item is not UTF-8: decode item by item (only those get the Latin-1 treatment).
    const items: string[] = [];
    for (let at = begin; at <= end;) {
      const stop = this.buf.indexOf(0, at);
      items.push(this.decode(at, stop));
      at = stop + 1;
    }
    return { joined: items.join('\0'), count };
  }

  /** A STRING_ARRAY (or I18NSTRING, or a single STRING as a one-item array); at most `max` items. */
  strings(tag: number, max = Infinity): string[] | undefined {
    const result = this.joinedStrings(tag, max);
    if (result === undefined) return undefined;
    return result.count === 0 ? [] : result.joined.split('\0');
  }

  /** Integers of an INT8/INT16/INT32/INT64 (or CHAR) tag, unsigned; at most `max` of them. */
  numbers(tag: number, max = Infinity): number[] | undefined {
    const i = this.entry(tag, INTEGER, 'an integer type');
    if (i < 0) return undefined;
    const at = this.dataStart + this.offsetAt(i);
    const count = Math.min(max, this.countAt(i));
    const out = new Array<number>(count);
    const view = this.view;
    switch (this.typeAt(i)) {
      case 1:
      case 2:
        for (let k = 0; k < count; k++) out[k] = this.buf[at + k]!;
        break;
      case 3:
        for (let k = 0; k < count; k++) out[k] = view.getUint16(at + 2 * k);
        break;
      case 4:
        for (let k = 0; k < count; k++) out[k] = view.getUint32(at + 4 * k);
        break;
      default:
        for (let k = 0; k < count; k++) out[k] = Number(view.getBigUint64(at + 8 * k));
    }
    return out;
  }

  /** The first integer of a tag. */
  number(tag: number): number | undefined {
    const i = this.entry(tag, INTEGER, 'an integer type');
    if (i < 0) return undefined;
    const at = this.dataStart + this.offsetAt(i);
    switch (this.typeAt(i)) {
      case 1:
      case 2:
        return this.buf[at]!;
      case 3:
        return this.view.getUint16(at);
      case 4:
        return this.view.getUint32(at);
      default:
        return Number(this.view.getBigUint64(at));
    }
  }

  /** Raw bytes of a BIN tag. */
  binary(tag: number): Buffer | undefined {
    const i = this.entry(tag, 1 << TYPE_BIN, 'BIN');
    if (i < 0) return undefined;
    const at = this.dataStart + this.offsetAt(i);
    return this.buf.subarray(at, at + this.countAt(i));
  }

  /** Offset of the NUL ending the `count`-th string from `begin`, checked against the data store. */
  private stringsEnd(tag: number, begin: number, count: number): number {
    const limit = this.dataStart + this.dataLength;
    let end = begin - 1;
    for (let k = 0; k < count; k++) {
      end = end + 1 < limit ? this.buf.indexOf(0, end + 1) : -1;
      if (end < 0 || end >= limit) {
        throw rpmFormatError(
          `${this.what} header tag ${tag}: string ${k + 1} of ${count} at byte ${begin} is not terminated inside the header`,
        );
      }
    }
    return end;
  }

  private decode(begin: number, end: number): string {
    const text = this.buf.toString('utf8', begin, end);
    // U+FFFD means invalid UTF-8 (or, rarely, a real U+FFFD): check before converting.
    if (!text.includes('\uFFFD') || isUtf8(this.buf.subarray(begin, end))) return text;
    return latin1ToUtf8(this.buf.subarray(begin, end));
  }
}

/**
 * Old packages carry ISO-8859-1 text. createrepo_c converts strings that are
 * not valid UTF-8 as Latin-1, dropping C0 controls other than tab, LF and CR
 * and the C1 range 0x80-0xBF (misencoded cp1252), so ferry does the same.
 */
export function latin1ToUtf8(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte < 0x80) {
      if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13) continue;
      out += String.fromCharCode(byte);
    } else if (byte >= 0xc0) {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}
