import { describe, expect, it } from 'vitest';

import { FerryError } from '../errors.js';
import { parseConfig } from './load-config.js';

function problemOf(text: string): FerryError {
  try {
    parseConfig(text, 'ferry.yaml');
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('parseConfig', () => {
  it('fills defaults for an empty file', () => {
    const config = parseConfig('', 'ferry.yaml');

    expect(config.database).toBe('sqlite:ferry.db');
    expect(config.build).toEqual({ driver: 'rpmbuild', workers: 2, lookaside: [], timeout: 3600 });
    expect(config.server.port).toBe(8080);
  });

  it('keeps given values', () => {
    const config = parseConfig(
      'distro:\n  dist: .fc41\n  macros: {_vendor: ferry}\nbuild:\n  workers: 4\n',
      'f.yaml',
    );

    expect(config.distro).toEqual({ dist: '.fc41', macros: { _vendor: 'ferry' } });
    expect(config.build.workers).toBe(4);
  });

  it('names file, line and field of an unknown key', () => {
    const error = problemOf('build:\n  workers: 2\n  wrokers: 3\n');

    expect(error.code).toBe('FERRY_CONFIG_INVALID');
    expect(error.toString()).toBe('ferry.yaml:3:3: build.wrokers: unknown key');
    expect(error.exitCode).toBe(2);
  });

  it('reports every problem at once', () => {
    const error = problemOf('build:\n  workers: many\nserver:\n  port: 99999\n');

    expect(error.message).toMatch(/ferry\.yaml:2:12: build\.workers: .*number/);
    expect(error.message).toMatch(/ferry\.yaml:4:9: server\.port: /);
  });

  it('reports YAML syntax errors with their position', () => {
    const error = problemOf('build:\n  workers: [1, 2\n');

    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.file).toBe('ferry.yaml');
  });
});
