import { describe, expect, it } from 'vitest';

import { validateNewPassword } from './password-policy.js';
import { hasRole, isRole, ROLES } from './roles.js';
import { assertUserName, isValidUserName } from './user-name.js';

describe('hasRole', () => {
  it('orders read < write < admin', () => {
    const table = ROLES.map((role) => ROLES.map((needed) => hasRole({ role }, needed)));

    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('gives an anonymous request no role', () => {
    expect(hasRole(null, 'read')).toBe(false);
    expect(hasRole(undefined, 'read')).toBe(false);
  });

  it('guards role names', () => {
    expect(['read', 'write', 'admin', 'root', 5].map(isRole)).toEqual([true, true, true, false, false]);
  });
});

describe('user names', () => {
  it('accepts DLRN-style names, refuses separators and option-like names', () => {
    const names = [
      'alice',
      'ci@rdoproject.org',
      'svc.promoter+1',
      'a:b',
      '-rf',
      'with space',
      '',
      'x'.repeat(256),
    ];

    expect(names.map(isValidUserName)).toEqual([true, true, true, false, false, false, false, false]);
    expect(() => assertUserName('a/b')).toThrow(/invalid user name "a\/b"/);
  });
});

describe('validateNewPassword', () => {
  it('asks for 8 characters, no control characters, and never echoes the password', () => {
    expect(validateNewPassword('long enough')).toBe('long enough');
    expect(() => validateNewPassword('short')).toThrow('password too short: use at least 8 characters');
    expect(() => validateNewPassword('has a newline\n')).toThrow(/control characters/);
    expect(() => validateNewPassword('x'.repeat(2000))).toThrow(/too long/);
  });
});
