import { describe, expect, it } from '@jest/globals';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { HealthAccess } from './health-access.js';

const KEY = 'unit-key';
const withKey = { headers: { 'x-health-key': KEY } };
const anonymous = { headers: {} };

function access(options: Partial<ResolvedHealthOptions>) {
  return new HealthAccess({ details: 'when-authorized', apiKeys: [KEY], ...options } as ResolvedHealthOptions);
}

describe('HealthAccess', () => {
  it('takes the route policy, else the module policy; liveness is always never', () => {
    const subject = access({ details: 'never', routes: { report: { details: 'always' }, checks: { details: 'when-authorized' } } });
    expect(subject.policyFor('ready')).toBe('never');
    expect(subject.policyFor('report')).toBe('always');
    expect(subject.policyFor('checks')).toBe('when-authorized');
    expect(access({ details: 'always' }).policyFor('live')).toBe('never');
  });

  it('shows details per policy and caller', async () => {
    expect(await access({}).resolve('ready', withKey)).toEqual({ policy: 'when-authorized', authorized: true, showDetails: true });
    expect(await access({}).resolve('ready', anonymous)).toEqual({ policy: 'when-authorized', authorized: false, showDetails: false });
    expect((await access({ details: 'always' }).resolve('ready', anonymous)).showDetails).toBe(true);
    expect((await access({ details: 'never' }).resolve('ready', withKey)).showDetails).toBe(false);
    expect((await access({ details: 'always' }).resolve('live', withKey)).showDetails).toBe(false);
  });

  it('asks authorize() only where the answer depends on it', async () => {
    const calls: string[] = [];
    const authorize = (request: unknown) => {
      calls.push((request as { route: string }).route);
      return true;
    };
    await access({ details: 'always', apiKeys: [], authorize }).resolve('ready', { route: 'always ready' });
    await access({ details: 'never', apiKeys: [], authorize }).resolve('ready', { route: 'never ready' });
    await access({ details: 'always', apiKeys: [], authorize }).resolve('live', { route: 'live' });
    expect(calls).toEqual([]);
    expect(await access({ details: 'never', apiKeys: [], authorize }).resolve('checks', { route: 'never checks' })).toMatchObject({
      authorized: true,
      showDetails: false,
    });
    expect(await access({ apiKeys: [], authorize }).resolve('ready', { route: 'when-authorized ready' })).toMatchObject({
      authorized: true,
      showDetails: true,
    });
    expect(calls).toEqual(['never checks', 'when-authorized ready']);
  });

  it('does not ask authorize() when a key matches, and treats a throw or a non-true answer as unauthorized', async () => {
    let asked = 0;
    const counting = access({ authorize: () => ++asked > 0 });
    expect((await counting.resolve('ready', withKey)).authorized).toBe(true);
    expect(asked).toBe(0);
    const authorizedBy = async (authorize: ResolvedHealthOptions['authorize'], request: unknown) =>
      (await access({ authorize }).resolve('ready', request)).authorized;
    expect(
      await authorizedBy(() => {
        throw new Error('down');
      }, anonymous),
    ).toBe(false);
    expect(await authorizedBy(() => Promise.resolve('yes' as unknown as boolean), anonymous)).toBe(false);
    expect(await authorizedBy(() => Promise.resolve(true), undefined)).toBe(true);
  });
});
