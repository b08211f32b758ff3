import { describe, expect, it } from 'vitest';
import { cloudLabelKeys, cloudManagedByKfed, cloudOwnerFederation, cloudOwnerLabels, cloudOwnership, kubeManagedByKfed, kubeManagedLabels, memberRoleLabel } from '../../src/ownership.js';

/** The labels a zone or cluster gets, as Google Cloud accepts them (lowercase keys and values). */
const googleLabel = /^[a-z0-9_-]{0,63}$/;

describe('cloud ownership labels', () => {
  it('mark what kfed creates with its federation, role and creating run, in lowercase', () => {
    const labels = cloudOwnerLabels('prod', 'host', 'A1B2-c3d4');
    expect(labels).toEqual({ 'managed-by': 'kfed', 'kfed-federation': 'prod', 'kfed-role': 'host', 'kfed-run': 'a1b2-c3d4' });
    for (const [key, value] of Object.entries(labels)) {
      expect(key).toMatch(googleLabel);
      expect(value).toMatch(googleLabel);
    }
  });

  it('leave out what was not given (runs started before zones carried a federation pass none)', () => {
    expect(cloudOwnerLabels('')).toEqual({ 'managed-by': 'kfed' });
    expect(cloudOwnerLabels('prod')).toEqual({ 'managed-by': 'kfed', 'kfed-federation': 'prod' });
    expect(cloudOwnerLabels('prod', undefined, 'run-1')).toEqual({ 'managed-by': 'kfed', 'kfed-federation': 'prod', 'kfed-run': 'run-1' });
  });

  it('name a member the way the emulator recognises it (no scheduler for members)', () => {
    expect(cloudOwnerLabels('prod', 'member')[memberRoleLabel.key]).toBe(memberRoleLabel.value);
  });
});

describe('cloudOwnership: owned means owned by this federation', () => {
  const cases: [string, Record<string, string> | undefined, ReturnType<typeof cloudOwnership>][] = [
    ['no labels at all (made by hand)', undefined, { owner: 'foreign' }],
    ['labels, none of kfed', { team: 'web' }, { owner: 'foreign' }],
    ['a federation label without kfed\'s managed-by', { 'kfed-federation': 'prod' }, { owner: 'foreign' }],
    ['managed-by some other tool', { 'managed-by': 'terraform', 'kfed-federation': 'prod' }, { owner: 'foreign' }],
    ['kfed\'s, but with no federation recorded (cannot be proven this one\'s)', { 'managed-by': 'kfed' }, { owner: 'foreign' }],
    ['kfed\'s, with an empty federation', { 'managed-by': 'kfed', 'kfed-federation': '' }, { owner: 'foreign' }],
    ['kfed\'s for another federation', { 'managed-by': 'kfed', 'kfed-federation': 'staging' }, { owner: 'other', federation: 'staging' }],
    ['kfed\'s for a federation whose name only starts like this one', { 'managed-by': 'kfed', 'kfed-federation': 'prod-2' }, { owner: 'other', federation: 'prod-2' }],
    ['kfed\'s for this federation', { 'managed-by': 'kfed', 'kfed-federation': 'prod' }, { owner: 'this' }],
    ['kfed\'s for this federation, by a known run', { 'managed-by': 'kfed', 'kfed-federation': 'prod', 'kfed-run': 'run-7' }, { owner: 'this', createdBy: 'run-7' }],
    ['another federation\'s, whatever run made it', { 'managed-by': 'kfed', 'kfed-federation': 'staging', 'kfed-run': 'run-7' }, { owner: 'other', federation: 'staging' }],
  ];

  it.each(cases)('%s', (_what, labels, expected) => {
    expect(cloudOwnership(labels, 'prod')).toEqual(expected);
  });

  it('agrees with the labels kfed writes: this run\'s resource is this federation\'s, by this run', () => {
    const runId = '0199A3F2-7C1E-7B44-9D0E-5E3A1B2C3D4E';
    const ownership = cloudOwnership(cloudOwnerLabels('prod', 'member', runId), 'prod');
    // The label value is lowercased (Google labels), so the comparison must be too: teardown
    // compares createdBy with the run id lowercased.
    expect(ownership).toEqual({ owner: 'this', createdBy: runId.toLowerCase() });
    expect(cloudOwnership(cloudOwnerLabels('prod', 'member', runId), 'prod-2')).toEqual({ owner: 'other', federation: 'prod' });
  });

  it('keeps "made by kfed" and "this federation\'s" apart', () => {
    const other = { [cloudLabelKeys.managedBy]: 'kfed', [cloudLabelKeys.federation]: 'staging' };
    expect(cloudManagedByKfed(other)).toBe(true);
    expect(cloudOwnerFederation(other)).toBe('staging');
    expect(cloudManagedByKfed({ [cloudLabelKeys.federation]: 'staging' })).toBe(false);
    expect(cloudOwnerFederation({ [cloudLabelKeys.federation]: 'staging' })).toBeUndefined();
    expect(cloudOwnerFederation(undefined)).toBeUndefined();
  });
});

describe('Kubernetes ownership labels', () => {
  it('recognise only kfed\'s managed-by mark', () => {
    expect(kubeManagedByKfed(kubeManagedLabels)).toBe(true);
    expect(kubeManagedByKfed({ 'app.kubernetes.io/managed-by': 'Helm' })).toBe(false);
    // A user's KubeFed install (the chart's labels) is not kfed's.
    expect(kubeManagedByKfed({ 'app.kubernetes.io/name': 'kubefed', 'app.kubernetes.io/instance': 'kubefed' })).toBe(false);
    expect(kubeManagedByKfed(undefined)).toBe(false);
  });
});
