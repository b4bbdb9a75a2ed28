import { describe, expect, it } from 'vitest';

import { MINIMUM_NODE, nodeVersionProblem } from './node-version.js';

describe('nodeVersionProblem', () => {
  it('accepts 20.15.0 and newer, refuses older versions with what is needed', () => {
    const versions = ['18.19.1', '20.11.1', '20.14.99', '20.15.0', 'v20.15.1', '20.20.2', '22.0.0', '24.4.1'];

    expect(versions.map((v) => nodeVersionProblem(v) === undefined)).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(nodeVersionProblem('20.11.1')).toBe(
      `ferry needs Node.js ${MINIMUM_NODE} or newer; this is 20.11.1 (${process.execPath}): install a newer Node.js (README, "Requirements")`,
    );
  });
});
