/**
 * XML escaping exactly as createrepo_c's output has it (libxml2's
 * serializer writing UTF-8 nodes that belong to no document):
 * - text: `&` `<` `>` and CR (`&#13;`); everything else, non-ASCII included, raw;
 * - attributes: `&` `<` `>` `"`, TAB/LF/CR as `&#9;` `&#10;` `&#13;`, and every
 *   non-ASCII character as an uppercase hexadecimal reference (`&#xE9;`).
 */

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_REPLACE = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<>"\t\n\r\u0080-\uffff]/;
const ATTR_REPLACE =
  /[&<>"\t\n\r]|[\u0080-\ud7ff\ue000-\uffff]|[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;

function textEntity(char: string): string {
  switch (char) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    default:
      return '&#13;';
  }
}

function attrEntity(char: string): string {
  switch (char) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case '\t':
      return '&#9;';
    case '\n':
      return '&#10;';
    case '\r':
      return '&#13;';
    default:
      return `&#x${char.codePointAt(0)!.toString(16).toUpperCase()};`;
  }
}

/** Escapes element content. */
export function escapeText(value: string): string {
  return TEXT_SPECIAL.test(value) ? value.replace(TEXT_REPLACE, textEntity) : value;
}

/** Escapes an attribute value (to be written between double quotes). */
export function escapeAttr(value: string): string {
  return ATTR_SPECIAL.test(value) ? value.replace(ATTR_REPLACE, attrEntity) : value;
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Resolves the five predefined entities and numeric character references.
 * Unknown entities are an error for the caller to report (returns undefined).
 */
export function unescapeXml(value: string): string | undefined {
  if (!value.includes('&')) return value;
  let bad = false;
  const out = value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) {
      bad = true;
      return whole;
    }
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) {
        bad = true;
        return whole;
      }
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref];
    if (named === undefined) bad = true;
    return named ?? whole;
  });
  return bad ? undefined : out;
}
