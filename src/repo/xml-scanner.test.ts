import { describe, expect, it } from 'vitest';

import { FerryError } from '../errors.js';
import { escapeAttr, escapeText, unescapeXml } from './xml-escape.js';
import { XmlScanner } from './xml-scanner.js';

describe('escaping as libxml2 writes createrepo_c metadata', () => {
  it('escapes text: & < > and carriage return, nothing else', () => {
    expect(escapeText('a & b < c > d "e" \'f\'\tg\r\nh é 😀')).toBe(
      'a &amp; b &lt; c &gt; d "e" \'f\'\tg&#13;\nh é 😀',
    );
  });

  it('escapes attributes: quotes, whitespace controls and every non-ASCII character', () => {
    expect(escapeAttr('a&b<c>"d"\'e\'\tf\ng\rh é 😀')).toBe(
      "a&amp;b&lt;c&gt;&quot;d&quot;'e'&#9;f&#10;g&#13;h &#xE9; &#x1F600;",
    );
  });

  it('round-trips through unescaping', () => {
    const value = 'x & y < z > "q" \t\n\r é 😀';

    expect(unescapeXml(escapeAttr(value))).toBe(value);
    expect(unescapeXml(escapeText(value))).toBe(value);
    expect(unescapeXml('a &bogus; b')).toBeUndefined();
    expect(unescapeXml('a & b')).toBeUndefined();
  });
});

/** All events of a document as readable strings. */
function events(xml: string): string[] {
  const scanner = new XmlScanner(xml, 'test.xml');
  const out: string[] = [];
  for (let event = scanner.next(); event !== 'end'; event = scanner.next()) {
    if (event === 'open')
      out.push(`<${scanner.name}${scanner.attrs.length ? ` ${scanner.attrs.join('|')}` : ''}>`);
    else if (event === 'close') out.push(`</${scanner.name}>`);
    else out.push(`"${scanner.text}"`);
  }
  return out;
}

describe('XmlScanner', () => {
  it('reads elements, attributes, text, CDATA, and skips declarations, comments and PIs', () => {
    const xml =
      '\uFEFF<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY y "z"> ]>\n<!-- c -->' +
      '<a x=\'1\' y = "a&amp;b"><b/>t&lt;x<![CDATA[<raw>]]><?pi x?><c k="v\tw">&#233;</c></a>\n';

    expect(events(xml)).toEqual([
      '<a x|1|y|a&b>',
      '<b>',
      '</b>',
      '"t<x"',
      '"<raw>"',
      '<c k|v w>',
      '"é"',
      '</c>',
      '</a>',
    ]);
  });

  it('reads an element text in one call, with mixed content', () => {
    const scanner = new XmlScanner('<r><t>a &amp; <![CDATA[b]]> c</t><u/></r>', 'x');
    scanner.next();
    scanner.next();

    expect(scanner.readText()).toBe('a & b c');
    expect([scanner.next(), scanner.name, scanner.readText()]).toEqual(['open', 'u', '']);
  });

  it.each([
    ['<a><b></a>', 'unexpected end of file: elements are not closed', 11],
    ['<a x=1/>', 'attribute x of <a> is not quoted', 6],
    ['<a x="1/>', 'unterminated attribute x of <a>', 6],
    ['<a>&nope;</a>', 'bad entity or stray "&" in text', 4],
    ['<a></a>junk', 'text after the root element', 8],
  ])('reports %j with its position', (xml, message, column) => {
    const scanner = new XmlScanner(xml, 'bad.xml');
    let caught: unknown;
    try {
      for (let event = scanner.next(); event !== 'end'; event = scanner.next());
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(FerryError);
    expect(caught).toMatchObject({
      code: 'FERRY_REPODATA_INVALID',
      message,
      file: 'bad.xml',
      line: 1,
      column,
    });
  });
});
