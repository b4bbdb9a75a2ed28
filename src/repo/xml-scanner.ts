/**
 * A small, fast pull scanner for the XML that repodata uses: elements,
 * attributes, text, CDATA, comments, processing instructions and a DOCTYPE
 * to skip; the five predefined entities and character references. No DTDs,
 * no namespaces resolution (names keep their prefix, e.g. `rpm:entry`).
 * Metadata of foreign repositories (20,000 packages) goes through here, so
 * it works on one string with indexOf and slices, and reports errors with
 * line and column.
 */
import { FerryError } from '../errors.js';
import { unescapeXml } from './xml-escape.js';

export const XML_EVENTS = ['open', 'close', 'text', 'end'] as const;
export type XmlEvent = (typeof XML_EVENTS)[number];

const SPECIAL_IN_ATTR = /[<&\t\n\r]/;

/** Whitespace per XML: space, tab, LF, CR. */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

export class XmlScanner {
  /** Current event's element name (open/close). */
  name = '';
  /** The open tag ended with `/>`; a close event for it follows. */
  selfClosing = false;
  /** Text of a text event, entities resolved. */
  text = '';
  /** Attributes of the current open tag as name, value, name, value... */
  readonly attrs: string[] = [];
  private pos = 0;
  private pendingClose = false;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly file: string,
  ) {
    if (source.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /** Value of an attribute of the current open tag. */
  attr(name: string): string | undefined {
    const attrs = this.attrs;
    for (let i = 0; i < attrs.length; i += 2) if (attrs[i] === name) return attrs[i + 1];
    return undefined;
  }

  /** Byte... character offset of the scanner, for error positions. */
  get offset(): number {
    return this.pos;
  }

  /** A FERRY_REPODATA_INVALID error located at `offset` (line and column computed on demand). */
  error(message: string, offset = this.pos): FerryError {
    let line = 1;
    let lineStart = 0;
    for (let i = this.source.indexOf('\n'); i >= 0 && i < offset; i = this.source.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return new FerryError('FERRY_REPODATA_INVALID', message, {
      file: this.file,
      line,
      column: offset - lineStart + 1,
    });
  }

  /** Advances to the next event. Text between elements that is only whitespace is skipped. */
  next(): XmlEvent {
    if (this.pendingClose) {
      this.pendingClose = false;
      this.depth--;
      return 'close';
    }
    const src = this.source;
    for (;;) {
      const lt = src.indexOf('<', this.pos);
      if (lt < 0) {
        if (src.slice(this.pos).trim() !== '') throw this.error('text after the root element');
        if (this.depth > 0) throw this.error('unexpected end of file: elements are not closed');
        return 'end';
      }
      if (lt > this.pos) {
        const raw = src.slice(this.pos, lt);
        if (!isBlank(raw)) {
          this.pos = lt;
          return this.textEvent(raw, lt - raw.length);
        }
      }
      this.pos = lt;
      const c = src.charCodeAt(lt + 1);
      if (c === 47 /* / */) {
        const gt = src.indexOf('>', lt);
        if (gt < 0) throw this.error('unterminated closing tag', lt);
        this.name = src.slice(lt + 2, gt).trimEnd();
        this.pos = gt + 1;
        this.depth--;
        return 'close';
      }
      if (c === 63 /* ? */) {
        const end = src.indexOf('?>', lt);
        if (end < 0) throw this.error('unterminated processing instruction', lt);
        this.pos = end + 2;
        continue;
      }
      if (c === 33 /* ! */) {
        if (src.startsWith('<!--', lt)) {
          const end = src.indexOf('-->', lt + 4);
          if (end < 0) throw this.error('unterminated comment', lt);
          this.pos = end + 3;
          continue;
        }
        if (src.startsWith('<![CDATA[', lt)) {
          const end = src.indexOf(']]>', lt + 9);
          if (end < 0) throw this.error('unterminated CDATA section', lt);
          this.text = src.slice(lt + 9, end);
          this.pos = end + 3;
          return 'text';
        }
        // <!DOCTYPE ...> (possibly with an internal subset in brackets).
        const bracket = src.indexOf('[', lt);
        const gt = src.indexOf('>', lt);
        if (gt < 0) throw this.error('unterminated declaration', lt);
        this.pos = bracket >= 0 && bracket < gt ? src.indexOf(']>', bracket) + 2 : gt + 1;
        if (this.pos < 2) throw this.error('unterminated DOCTYPE', lt);
        continue;
      }
      return this.openTag(lt);
    }
  }

  private textEvent(raw: string, at: number): XmlEvent {
    const text = unescapeXml(raw);
    if (text === undefined) throw this.error('bad entity or stray "&" in text', at);
    this.text = text;
    return 'text';
  }

  private openTag(lt: number): XmlEvent {
    const src = this.source;
    let i = lt + 1;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (isSpace(c) || c === 62 /* > */ || c === 47 /* / */) break;
      i++;
    }
    if (i === lt + 1) throw this.error('expected an element name after "<"', lt);
    this.name = src.slice(lt + 1, i);
    const attrs = this.attrs;
    attrs.length = 0;
    for (;;) {
      while (i < src.length && isSpace(src.charCodeAt(i))) i++;
      const c = src.charCodeAt(i);
      if (c === 62) {
        this.selfClosing = false;
        this.pos = i + 1;
        this.depth++;
        return 'open';
      }
      if (c === 47 && src.charCodeAt(i + 1) === 62) {
        this.selfClosing = true;
        this.pendingClose = true;
        this.pos = i + 2;
        this.depth++;
        return 'open';
      }
      if (i >= src.length) throw this.error(`unterminated tag <${this.name}>`, lt);
      const eq = src.indexOf('=', i);
      if (eq < 0) throw this.error(`bad attribute in <${this.name}>`, i);
      const attrName = isSpace(src.charCodeAt(eq - 1)) ? src.slice(i, eq).trimEnd() : src.slice(i, eq);
      let q = eq + 1;
      while (q < src.length && isSpace(src.charCodeAt(q))) q++;
      const quote = src[q];
      if (quote !== '"' && quote !== "'")
        throw this.error(`attribute ${attrName} of <${this.name}> is not quoted`, q);
      const close = src.indexOf(quote, q + 1);
      if (close < 0) throw this.error(`unterminated attribute ${attrName} of <${this.name}>`, q);
      const value = src.slice(q + 1, close);
      // One test for the common case: nothing to check, normalize or unescape.
      attrs.push(attrName, SPECIAL_IN_ATTR.test(value) ? this.attrValue(value, attrName, q) : value);
      i = close + 1;
    }
  }

  private attrValue(raw: string, attrName: string, at: number): string {
    if (raw.includes('<')) throw this.error(`"<" in attribute ${attrName} of <${this.name}>`, at);
    // Attribute-value normalization: literal whitespace characters become spaces.
    const value = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw;
    const decoded = unescapeXml(value);
    if (decoded === undefined) throw this.error(`bad entity in attribute ${attrName} of <${this.name}>`, at);
    return decoded;
  }

  /**
   * Text content of the element just opened, up to its closing tag (which is
   * consumed). Nested elements are an error.
   */
  readText(): string {
    if (this.pendingClose) {
      this.pendingClose = false;
      this.depth--;
      return '';
    }
    const src = this.source;
    const lt = src.indexOf('<', this.pos);
    if (lt < 0) throw this.error(`unexpected end of file inside <${this.name}>`);
    const name = this.name;
    let text: string;
    if (src.charCodeAt(lt + 1) === 47) {
      const raw = src.slice(this.pos, lt);
      const decoded = raw.includes('&') ? unescapeXml(raw) : raw;
      if (decoded === undefined) throw this.error(`bad entity or stray "&" in <${name}>`);
      text = decoded;
    } else {
      // Mixed content (CDATA, comments): fall back to the general scanner.
      text = '';
      for (;;) {
        const event = this.next();
        if (event === 'text') text += this.text;
        else if (event === 'close') return this.checkClose(name, text);
        else throw this.error(`unexpected element <${this.name}> inside <${name}>`);
      }
    }
    const gt = src.indexOf('>', lt);
    if (gt < 0) throw this.error(`unterminated closing tag of <${name}>`, lt);
    this.name = src.slice(lt + 2, gt).trimEnd();
    this.pos = gt + 1;
    this.depth--;
    return this.checkClose(name, text);
  }

  private checkClose(name: string, text: string): string {
    if (this.name !== name) throw this.error(`</${this.name}> closes <${name}>`);
    return text;
  }

  /** Skips the rest of the element just opened, children included. */
  skipElement(): void {
    if (this.pendingClose) {
      this.pendingClose = false;
      this.depth--;
      return;
    }
    const target = this.depth - 1;
    while (this.depth > target) {
      if (this.next() === 'end') throw this.error('unexpected end of file');
    }
  }
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}
