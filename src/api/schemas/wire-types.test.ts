import { describe, expect, it } from 'vitest';

import { parseInput } from './parse-input.js';
import { lastTestedRepoInput, metricsInput, promotionsInput, reportResultInput } from './inputs.js';
import { wireBool, wireInt } from './wire-types.js';

describe('wire types (pydantic v1 lax parsing, as DLRN)', () => {
  it('reads booleans as the dlrnapi client sends them', () => {
    for (const value of [true, 1, 'True', 'true', 'TRUE', 'yes', 'on', 't', 'y', '1'])
      expect(wireBool.parse(value)).toBe(true);
    for (const value of [false, 0, 'False', 'false', 'no', 'off', 'f', 'n', '0'])
      expect(wireBool.parse(value)).toBe(false);
    for (const value of ['maybe', 2, '', null, [], 'truex'])
      expect(wireBool.safeParse(value).success).toBe(false);
  });

  it('reads integers from JSON numbers or decimal strings', () => {
    expect(wireInt.parse('1441635090')).toBe(1_441_635_090);
    expect(wireInt.parse(' 42 ')).toBe(42);
    expect(wireInt.parse(-3)).toBe(-3);
    for (const value of [1.5, '1.5', '1e3', '0x10', true, '', '12345678901234567'])
      expect(wireInt.safeParse(value).success).toBe(false);
  });

  it('names every problem of a request in one message', () => {
    expect(() => parseInput(reportResultInput, { timestamp: 'x', success: 'maybe', job_id: 5 })).toThrow(
      'Invalid parameters: timestamp: expected an integer; success: expected a boolean (true or false); job_id: expected a string; url: field required',
    );
  });

  it('applies DLRN defaults and limits', () => {
    expect(parseInput(promotionsInput, {})).toEqual({ limit: 100 });
    expect(parseInput(promotionsInput, { limit: '7', offset: '3' })).toEqual({ limit: 7, offset: 3 });
    expect(parseInput(lastTestedRepoInput, { max_age: '0', job_id: null, sequential_mode: 'False' })).toEqual(
      { max_age: 0, sequential_mode: false },
    );
    expect(parseInput(metricsInput, { start_date: '2024-1-5', end_date: '2024-02-29' })).toEqual({
      start_date: 1_704_412_800,
      end_date: 1_709_164_800,
    });
    expect(() => parseInput(metricsInput, { start_date: '2023-02-29', end_date: '2024-01-01' })).toThrow(
      /Invalid date format/,
    );
  });

  it('refuses NUL characters and over-long strings before the database sees them', () => {
    expect(() =>
      parseInput(reportResultInput, {
        timestamp: 1,
        success: true,
        job_id: 'a\u0000b',
        url: 'u',
        aggregate_hash: 'x',
      }),
    ).toThrow(/NUL/);
    expect(() =>
      parseInput(reportResultInput, {
        timestamp: 1,
        success: true,
        job_id: 'j',
        url: 'u',
        aggregate_hash: 'x'.repeat(65),
      }),
    ).toThrow(/at most 64 characters/);
  });
});
