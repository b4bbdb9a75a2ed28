import { z } from 'zod';

import { MAX_NAME_BYTES, nameBytes } from '../../util/names.js';
import { describeAcceptedTimes, isAcceptedTime } from '../../util/time-range.js';

/**
 * The value types of DLRN's API as its clients send them. DLRN parses input
 * with pydantic (v1, lax mode): the dlrnapi client sends booleans as the
 * strings "True"/"False"/"true", integers as strings from the query string,
 * and timestamps as strings. These schemas accept exactly what pydantic
 * accepted for those fields and turn it into proper types; anything else is a
 * 400 naming the field. Strings are bounded by DLRN's column sizes (MariaDB
 * would truncate or reject longer ones) and may not hold NUL, which
 * PostgreSQL refuses: bad input is rejected here, before the database.
 */

/** A schema error that says "field required" for a missing value and `text` otherwise. */
function expected(text: string) {
  return (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? 'field required' : text;
}

const TRUE_WORDS = ['true', '1', 'yes', 'on', 't', 'y'];
const FALSE_WORDS = ['false', '0', 'no', 'off', 'f', 'n'];
const BOOL_WORD = /^(?:true|false|yes|no|on|off|t|f|y|n|1|0)$/i;
const BOOL_TEXT = 'expected a boolean (true or false)';

/** pydantic v1's bool: true/false, 0/1, and the words yes/no/on/off/t/f/y/n/true/false in any case. */
export const wireBool = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.string().regex(BOOL_WORD, { message: BOOL_TEXT })], {
    error: expected(BOOL_TEXT),
  })
  .transform((value): boolean => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value === 1;
    const word = value.toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    /* c8 ignore next */
    throw new Error(`unreachable: ${word}`);
  });

const INT_TEXT = /^\s*[+-]?\d{1,16}\s*$/;

/** pydantic v1's int: a JSON integer or a decimal string of one (query strings, the client's timestamps). */
export const wireInt = z
  .union(
    [
      z.number().int({ message: 'expected an integer' }),
      z.string().regex(INT_TEXT, { message: 'expected an integer' }),
    ],
    {
      error: expected('expected an integer'),
    },
  )
  .transform((value) => (typeof value === 'number' ? value : Number.parseInt(value.trim(), 10)))
  .refine((value) => Number.isSafeInteger(value), { message: 'integer out of range' });

/** A non-negative wireInt (offsets, limits, ages). */
export const wireCount = wireInt.refine((value) => value >= 0, {
  message: 'must be greater than or equal to 0',
});

function noNul(value: string): boolean {
  return !value.includes('\u0000');
}

/**
 * pydantic's StrictStr: only a JSON string (a number is refused), at most
 * `max` characters, no NUL.
 */
export function wireStr(max: number) {
  return z
    .string({ error: expected('expected a string') })
    .max(max, { message: `at most ${max} characters` })
    .refine(noNul, { message: 'must not contain NUL characters' });
}

/** pydantic v1's lax `str`: a string, or a number turned into its text (DLRN's report_result `url`). */
export function wireText(max: number) {
  return z
    .union([z.string(), z.number()], { error: expected('expected a string') })
    .transform((value) => (typeof value === 'number' ? String(value) : value))
    .pipe(
      z
        .string()
        .max(max, { message: `at most ${max} characters` })
        .refine(noNul, { message: 'must not contain NUL characters' }),
    );
}

/** DLRN's column sizes (dlrn/db.py), the bounds of the matching API fields. */
export const FIELD_LIMITS = {
  hash: 64,
  extendedHash: 128,
  name: 256,
  component: 64,
  url: 1024,
  notes: 65_536,
} as const;

export const commitHashField = wireStr(FIELD_LIMITS.hash);
export const extendedHashField = wireStr(FIELD_LIMITS.extendedHash);
export const nameField = wireStr(FIELD_LIMITS.name);
export const componentField = wireStr(FIELD_LIMITS.component);

/**
 * A name that becomes a file name (promote_name: `repos/<name>`): at most
 * MAX_NAME_BYTES UTF-8 bytes, so that every file ferry derives from it fits
 * the file system's 255 (see src/util/names.ts). Which characters are
 * allowed is the promoter's rule (403 for others, as DLRN).
 */
export const pathNameField = wireStr(MAX_NAME_BYTES).refine((name) => nameBytes(name) <= MAX_NAME_BYTES, {
  message: `at most ${MAX_NAME_BYTES} bytes`,
});

/** The server's clock in unix seconds, for schemas built without the API's. */
export const systemClock = (): number => Math.floor(Date.now() / 1000);

/**
 * A time a client sends (unix seconds, as wireInt): from 1970 to one day past
 * the server's clock (src/util/time-range.ts); anything else is a 400.
 */
export function wireTime(clock: () => number) {
  return wireInt.superRefine((value, ctx) => {
    const now = clock();
    if (!isAcceptedTime(value, now)) {
      ctx.addIssue({ code: 'custom', message: `out of range: expected ${describeAcceptedTimes(now)}` });
    }
  });
}

/**
 * An optional field as pydantic's `Optional[...]`: absent or JSON null both
 * mean "not given" (undefined after parsing).
 */
export function optional<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .transform((value) => (value === null ? undefined : value) as Exclude<z.output<T>, null> | undefined);
}
