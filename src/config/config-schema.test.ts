import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { BUILD_DRIVERS } from '../build/index.js';
import { classifyFailure, DEFAULT_RETRY_PATTERNS } from '../chase/plan-candidates.js';
import { BUILD_DRIVER_IDS, configSchema } from './config-schema.js';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

describe('configSchema', () => {
  it('knows exactly the build drivers of the registry', () => {
    expect([...BUILD_DRIVER_IDS].sort()).toEqual(Object.keys(BUILD_DRIVERS).sort());
  });

  it("accepts DLRN's retry patterns (ferry's default list)", () => {
    expect(configSchema.safeParse({ retry: { patterns: DEFAULT_RETRY_PATTERNS } }).success).toBe(true);
  });

  it('property: a retry pattern is accepted exactly when it compiles, so classifying a failure never throws', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[()[\]{}*+?\\|^$.a-z0-9]{1,10}$/)),
          {
            maxLength: 4,
          },
        ),
        fc.string({ maxLength: 40 }),
        (patterns, log) => {
          const result = configSchema.safeParse({ retry: { patterns } });
          const valid = patterns.every((pattern) => pattern !== '' && compiles(pattern));

          expect(result.success).toBe(valid);
          if (result.success) {
            expect(() => classifyFailure(log, result.data.retry.patterns, 0, 3)).not.toThrow();
          } else {
            const paths = result.error.issues.map((issue) => issue.path.join('.'));
            patterns.forEach((pattern, index) => {
              if (pattern === '' || !compiles(pattern)) expect(paths).toContain(`retry.patterns.${index}`);
            });
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
