import { describe, expect, it } from 'vitest';

import { isValidEmail, isValidUrl, misspeltField } from './field-rules.js';

describe('isValidUrl', () => {
  it('accepts the URL forms catalogs use', () => {
    const urls = [
      'https://opendev.org/openstack/nova',
      'http://review.rdoproject.org/r/openstack/nova.git',
      'ssh://review.rdoproject.org:29418/openstack/nova-distgit.git',
      'git://git.openstack.org/openstack/nova',
      'git+ssh://user@host/repo.git',
      'file:///srv/git/nova.git',
      'file://localhost/srv/git/nova.git',
      'git@github.com:rdo-packages/nova-distgit.git',
      'https://host',
      'rsync://mirror.example.org/centos/',
    ];

    expect(urls.filter((url) => !isValidUrl(url))).toEqual([]);
  });

  it('rejects what is not a URL', () => {
    const bad = [
      'not a url',
      'github.com/rdo-packages/nova-distgit.git',
      'https://',
      'https:///path',
      'file:///',
      'gopher://host/x',
      'https://host/with space',
      'mirror.example.org/flamingo',
      '',
    ];

    expect(bad.filter((url) => isValidUrl(url))).toEqual([]);
  });
});

describe('isValidEmail', () => {
  it('accepts addresses and rejects the rest', () => {
    expect(
      ['jdoe@redhat.com', 'first.last+tag@sub.example.org', 'rbryant@rehdat.com'].every(isValidEmail),
    ).toBe(true);
    expect(
      [
        'jdoe',
        'jdoe@localhost',
        'j doe@example.org',
        '@example.org',
        'Jane <jdoe@example.org>',
        'a@b..c',
      ].some(isValidEmail),
    ).toBe(false);
  });
});

describe('misspeltField', () => {
  it('recognises underscores and case for known fields only', () => {
    expect(misspeltField('source_branch')).toBe('source-branch');
    expect(misspeltField('Master_Distgit')).toBe('master-distgit');
    expect(misspeltField('source-branch')).toBeUndefined();
    expect(misspeltField('wallaby')).toBeUndefined();
  });
});
