import { describe, expect, it } from '@jest/globals';
import { spellsRoute, targetPath } from './request-target.js';

describe('targetPath', () => {
  it.each([
    ['/health/ready?exclude=a#x', '/health/ready'],
    ['http://probe:9000/health/ready?x', '/health/ready'],
    ['HTTPS://probe/health', '/health'],
    ['http://probe', '/'],
    ['*', '*'],
  ])('%s → %s', (target, path) => expect(targetPath(target)).toBe(path));
});

describe('spellsRoute', () => {
  it.each([
    ['/health/ready', 'health', 'ready', true],
    ['/api/v1/health/ready?x=1', 'health', 'ready', true],
    ['/health/ready/', 'health', 'ready', true],
    ['/health/checks/database', 'health', 'checks/:name', true],
    ['/health', 'health', '', true],
    ['/ops/health/live', 'ops/health', 'live', true],
    ['http://host/health/ready', 'health', 'ready', true],
    ['/health/READY', 'health', 'ready', false],
    ['/HEALTH/ready', 'health', 'ready', false],
    ['/health/%72eady', 'health', 'ready', false],
    ['/Health', 'health', '', false],
    ['/health/CHECKS/database', 'health', 'checks/:name', false],
    ['/ready', 'health', 'ready', false],
  ])('%s on %s/%s: %s', (target, mount, route, expected) => expect(spellsRoute(target, mount, route)).toBe(expected));
});
