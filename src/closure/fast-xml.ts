/**
 * A minimal, fast pull scanner for repodata XML (primary.xml, filelists.xml),
 * for the closure which reads a few elements out of tens of megabytes. It
 * jumps from tag to tag with indexOf, reads attributes only when asked, skips
 * comments, processing instructions, doctypes and CDATA, and decodes the five
 * XML entities and character references. Element names are taken literally
 * (`rpm:entry`), as libsolv does. Malformed input is a FERRY_REPODATA_INVALID
 * error with line and column.
 */
import { FerryError } from '../errors.js';

export const TAG_KINDS = ['open', 'close', 'empty', 'end'] as const;
/** `empty` is a self-closing tag (`<entry/>`); `end` is the end of the document. */
export type TagKind = (typeof TAG_KINDS)[number];

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Replaces XML entity and character references. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Index of the first quote character in [from, to), or -1. */
function firstQuote(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x27) return i;
  }
  return -1;
}

function isNameEnd(c: number): boolean {
  // blank, '>', '/'
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x3e || c === 0x2f;
}

export class FastXml {
  /** The last tag's name, sliced on demand. */
  private nameStart = 0;
  private nameEnd = 0;
  private name: string | undefined;
  private pos = 0;
  /** Start and end (exclusive, before `>` or `/>`) of the last tag's attribute text. */
  private attrStart = 0;
  private attrEnd = 0;
  private tagStart = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  /** Name of the tag last returned by next(). */
  tag(): string {
    this.name ??= this.text.slice(this.nameStart, this.nameEnd);
    return this.name;
  }

  /** Whether the last tag is named `name` (compared in place, no string made). */
  is(name: string): boolean {
    return this.nameEnd - this.nameStart === name.length && this.text.startsWith(name, this.nameStart);
  }

  /** Index of the `>` ending the tag that starts at `lt`, skipping quoted attribute values. */
  private tagEnd(lt: number): number {
    const text = this.text;
    let p = lt + 1;
    for (;;) {
      const gt = text.indexOf('>', p);
      if (gt < 0) return -1;
      const quote = firstQuote(text, p, gt);
      if (quote < 0) return gt;
      const close = text.indexOf(text[quote]!, quote + 1);
      if (close < 0) return -1;
      p = close + 1;
    }
  }

  error(message: string, at: number = this.tagStart): FerryError {
    let line = 1;
    let lineStart = 0;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < at; i = this.text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return new FerryError('FERRY_REPODATA_INVALID', `malformed XML: ${message}`, {
      file: this.file,
      line,
      column: at - lineStart + 1,
    });
  }

  /** Moves to the next element tag, skipping text, comments, CDATA, PIs and doctypes. */
  next(): TagKind {
    const text = this.text;
    for (;;) {
      const lt = text.indexOf('<', this.pos);
      if (lt < 0) {
        this.pos = text.length;
        return 'end';
      }
      this.tagStart = lt;
      const c = text.charCodeAt(lt + 1);
      if (c === 0x21 /* ! */) {
        if (text.startsWith('<!--', lt)) this.pos = this.skipTo('-->', lt + 4);
        else if (text.startsWith('<![CDATA[', lt)) this.pos = this.skipTo(']]>', lt + 9);
        else this.pos = this.skipTo('>', lt + 2);
        continue;
      }
      if (c === 0x3f /* ? */) {
        this.pos = this.skipTo('?>', lt + 2);
        continue;
      }
      const gt = c === 0x2f ? text.indexOf('>', lt + 1) : this.tagEnd(lt);
      if (gt < 0) throw this.error('unterminated tag');
      this.pos = gt + 1;
      this.name = undefined;
      if (c === 0x2f /* / */) {
        let end = gt;
        while (end > lt + 2 && isBlank(text.charCodeAt(end - 1))) end--;
        this.nameStart = lt + 2;
        this.nameEnd = end;
        return 'close';
      }
      let end = lt + 1;
      while (end < gt && !isNameEnd(text.charCodeAt(end))) end++;
      if (end === lt + 1) throw this.error('tag without a name');
      this.nameStart = lt + 1;
      this.nameEnd = end;
      this.attrStart = end;
      if (text.charCodeAt(gt - 1) === 0x2f) {
        this.attrEnd = gt - 1;
        return 'empty';
      }
      this.attrEnd = gt;
      return 'open';
    }
  }

  private skipTo(marker: string, from: number): number {
    const at = this.text.indexOf(marker, from);
    if (at < 0)
      throw this.error(`unterminated ${marker === '>' ? 'declaration' : `section (no "${marker}")`}`);
    return at + marker.length;
  }

  /**
   * Reads the attributes of the last tag in one pass: `out[i]` becomes the
   * value (entities decoded) of `names[i]`, or undefined.
   */
  readAttrs(names: readonly string[], out: (string | undefined)[]): void {
    out.fill(undefined, 0, names.length);
    const text = this.text;
    const end = this.attrEnd;
    let p = this.attrStart;
    for (;;) {
      while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p >= end) return;
      const nameStart = p;
      while (p < end && text.charCodeAt(p) !== 0x3d && !isBlank(text.charCodeAt(p))) p++;
      const nameLength = p - nameStart;
      while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (text.charCodeAt(p) !== 0x3d) throw this.error(`attribute ${text.slice(nameStart, p)} has no value`);
      p++;
      while (p < end && isBlank(text.charCodeAt(p))) p++;
      const quote = text[p];
      if (quote !== '"' && quote !== "'")
        throw this.error(`attribute ${text.slice(nameStart, nameStart + nameLength)} is not quoted`);
      const close = text.indexOf(quote, p + 1);
      if (close < 0 || close > end)
        throw this.error(`attribute ${text.slice(nameStart, nameStart + nameLength)} is not terminated`);
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        if (name.length === nameLength && text.startsWith(name, nameStart)) {
          out[k] = decodeEntities(text.slice(p + 1, close));
          break;
        }
      }
      p = close + 1;
    }
  }

  /** The value of one attribute of the last tag, or undefined. */
  attr(name: string): string | undefined {
    const out: (string | undefined)[] = [undefined];
    this.readAttrs([name], out);
    return out[0];
  }

  /**
   * The text content of the element just opened, up to its end tag (which is
   * consumed). Child elements are not expected in the elements read this way.
   */
  readText(): string {
    const text = this.text;
    let out = '';
    for (;;) {
      const lt = text.indexOf('<', this.pos);
      if (lt < 0) throw this.error(`<${this.tag()}> is not closed`);
      out += decodeEntities(text.slice(this.pos, lt));
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end < 0) throw this.error('unterminated CDATA section', lt);
        out += text.slice(lt + 9, end);
        this.pos = end + 3;
        continue;
      }
      if (text.charCodeAt(lt + 1) !== 0x2f) throw this.error(`unexpected element inside <${this.tag()}>`, lt);
      const gt = text.indexOf('>', lt);
      if (gt < 0) throw this.error('unterminated tag', lt);
      this.pos = gt + 1;
      return out;
    }
  }

  /** Skips the element just opened, with everything inside it. */
  skipElement(): void {
    let depth = 1;
    for (;;) {
      const kind = this.next();
      if (kind === 'end') throw this.error('unexpected end of document');
      if (kind === 'open') depth++;
      else if (kind === 'close' && --depth === 0) return;
    }
  }
}
