import { describe, expect, it } from 'vitest';
import {
  FederationsFormatError,
  formatFederations,
  normalizeDomain,
  parseFederations,
  removeFederation,
  upsertFederation,
} from '../../src/providers/kube/kube-dns/federations.js';

describe('kube-dns federations value', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['kfed=infra.mycompany.com', [{ name: 'kfed', domain: 'infra.mycompany.com' }]],
    [
      ' kfed = infra.mycompany.com. , other=example.org,',
      [
        { name: 'kfed', domain: 'infra.mycompany.com' },
        { name: 'other', domain: 'example.org' },
      ],
    ],
  ])('parses %j', (value, entries) => {
    expect(parseFederations(value)).toEqual(entries);
  });

  it.each([
    ['kfed', 'federations entry "kfed" is not name=domain'],
    ['=example.org', 'federations entry "=example.org" is not name=domain'],
    ['Kfed=example.org', 'federation name "Kfed" is not a DNS label'],
    ['kfed=exa mple.org', 'federation domain "exa mple.org" is not a DNS name'],
    ['kfed=', 'federation domain "" is not a DNS name'],
    ['a=x.org,a=y.org', 'federation "a" appears twice'],
  ])('rejects %j', (value, message) => {
    expect(() => parseFederations(value)).toThrow(FederationsFormatError);
    expect(() => parseFederations(value)).toThrow(message);
  });

  it('formats entries back to the exact value kube-dns reads', () => {
    const value = 'kfed=infra.mycompany.com,other=example.org';
    expect(formatFederations(parseFederations(value))).toBe(value);
    expect(formatFederations([])).toBe('');
  });

  it('replaces an existing entry in place and appends a new one at the end', () => {
    const entries = parseFederations('a=a.org,kfed=old.org,b=b.org');
    expect(formatFederations(upsertFederation(entries, { name: 'kfed', domain: 'infra.mycompany.com.' }))).toBe('a=a.org,kfed=infra.mycompany.com,b=b.org');
    expect(formatFederations(upsertFederation(entries, { name: 'c', domain: 'c.org' }))).toBe('a=a.org,kfed=old.org,b=b.org,c=c.org');
    expect(() => upsertFederation(entries, { name: 'bad name', domain: 'x.org' })).toThrow(FederationsFormatError);
  });

  it('removes only the named entry and keeps the order of the rest', () => {
    const entries = parseFederations('a=a.org,kfed=infra.mycompany.com,b=b.org');
    expect(formatFederations(removeFederation(entries, 'kfed'))).toBe('a=a.org,b=b.org');
    expect(formatFederations(removeFederation(entries, 'absent'))).toBe('a=a.org,kfed=infra.mycompany.com,b=b.org');
  });

  it('drops the trailing dot of a fully qualified domain', () => {
    expect(normalizeDomain('infra.mycompany.com.')).toBe('infra.mycompany.com');
    expect(normalizeDomain(' example.org ')).toBe('example.org');
  });
});
