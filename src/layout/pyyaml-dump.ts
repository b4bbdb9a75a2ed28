/**
 * A byte-exact port of the part of PyYAML's emitter that `yaml.dump(data,
 * default_flow_style=False)` uses for DLRN's `commit.yaml`: a top-level mapping
 * whose values are lists of flat mappings of strings. Scalar style choice
 * (plain, single-quoted, double-quoted), implicit-type quoting ('123', 'true',
 * '', ...), ASCII escaping (allow_unicode=False) and line folding at 80 columns
 * follow PyYAML's emitter.py, so files written by ferry and by DLRN are
 * identical for the same data.
 */

const BEST_WIDTH = 80;
const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = '\0 \t\r\n\x85\u2028\u2029';

// PyYAML's implicit resolvers: a plain scalar matching one of these would load as another type.
const IMPLICIT: readonly RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];
// Only tried when the scalar starts with one of these (PyYAML keys resolvers by first character).
const IMPLICIT_FIRST: readonly string[] = [
  'yYnNtTfFoO',
  '-+0123456789.',
  '-+0123456789',
  '<',
  '~nN',
  '0123456789',
  '=',
];

function resolvesToNonString(value: string): boolean {
  const first = value === '' ? '' : value[0]!;
  return IMPLICIT.some(
    (re, i) => (first === '' ? i === 4 : IMPLICIT_FIRST[i]!.includes(first)) && re.test(value),
  );
}

interface Analysis {
  readonly allowBlockPlain: boolean;
  readonly allowSingleQuoted: boolean;
}

function isPrintableAscii(ch: string): boolean {
  return ch === '\n' || (ch >= '\x20' && ch <= '\x7e');
}

function analyze(scalar: string): Analysis {
  if (scalar === '') return { allowBlockPlain: false, allowSingleQuoted: true };
  const chars = Array.from(scalar);
  let blockIndicators = scalar.startsWith('---') || scalar.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || WHITESPACE.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index]!;
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    // allow_unicode=False: anything outside printable ASCII is "special".
    if (!isPrintableAscii(ch)) special = true;
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = WHITESPACE.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || WHITESPACE.includes(chars[index + 2]!);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { allowBlockPlain, allowSingleQuoted };
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0a': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\x0d': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** The emitter's writer state: output, column, and PyYAML's whitespace/indention flags. */
class Writer {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;

  constructor(readonly indent: number) {}

  write(data: string): void {
    this.out += data;
    this.column += Array.from(data).length;
  }

  indicator(text: string, needWhitespace: boolean, whitespace = false): void {
    this.write(this.whitespace || !needWhitespace ? text : ` ${text}`);
    this.whitespace = whitespace;
    this.indention = false;
  }

  lineBreak(data = '\n'): void {
    this.out += data;
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }

  writeIndent(): void {
    if (!this.indention || this.column > this.indent || (this.column === this.indent && !this.whitespace)) {
      this.lineBreak();
    }
    if (this.column < this.indent) {
      this.whitespace = true;
      this.write(' '.repeat(this.indent - this.column));
    }
  }

  plain(text: string): void {
    if (text === '') return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    const chars = Array.from(text);
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(chars.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) spaces = ch === ' ';
    }
  }

  singleQuoted(text: string): void {
    this.indicator("'", true);
    const chars = Array.from(text);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else {
            this.write(chars.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (chars[start] === '\n') this.lineBreak();
          for (const br of chars.slice(start, end)) this.lineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  doubleQuoted(text: string): void {
    this.indicator('"', true);
    const chars = Array.from(text);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : undefined;
      if (ch === undefined || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !(ch >= '\x20' && ch <= '\x7e')) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''));
          start = end;
        }
        if (ch !== undefined) {
          const code = ch.codePointAt(0)!;
          const escape = ESCAPES[ch];
          this.write(
            escape !== undefined
              ? `\\${escape}`
              : code <= 0xff
                ? `\\x${hex(code, 2)}`
                : code <= 0xffff
                  ? `\\u${hex(code, 4)}`
                  : `\\U${hex(code, 8)}`,
          );
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH
      ) {
        const data = `${chars.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\');
      }
    }
    this.indicator('"', false);
  }
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

function writeScalar(writer: Writer, value: string): void {
  const analysis = analyze(value);
  if (!resolvesToNonString(value) && analysis.allowBlockPlain) writer.plain(value);
  else if (analysis.allowSingleQuoted) writer.singleQuoted(value);
  else writer.doubleQuoted(value);
}

/**
 * `yaml.dump({key: [ {field: 'value', ...}, ... ]}, default_flow_style=False)`
 * as PyYAML writes it: keys sorted, the list not indented under its key, values
 * of the items' mappings folded at 80 columns with a 4-space continuation indent.
 * Keys must be plain identifiers (as DLRN's column names are).
 */
export function dumpListOfMaps(key: string, items: readonly Readonly<Record<string, string>>[]): string {
  if (items.length === 0) return `${key}: []\n`;
  let out = `${key}:\n`;
  for (const item of items) {
    const keys = Object.keys(item).sort();
    if (keys.length === 0) {
      out += '- {}\n';
      continue;
    }
    keys.forEach((field, i) => {
      const writer = new Writer(4);
      writer.write(`${i === 0 ? '- ' : '  '}${field}:`);
      writer.whitespace = false;
      writeScalar(writer, item[field]!);
      out += `${writer.out}\n`;
    });
  }
  return out;
}
