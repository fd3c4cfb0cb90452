import { describe, expect, it } from '@jest/globals';
import { refusedRoute, spellsRoute, targetPath } from './request-target.js';

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

describe('refusedRoute', () => {
  it.each([
    ['POST', '/health/ready', 1, 'ready'],
    ['delete', '/api/health?x=1', 0, 'report'],
    ['PUT', '/health/checks/database', 2, 'checks'],
    ['GET', '/health/checks/database/simulation', 3, 'simulation'],
    ['HEAD', '/health/checks/database/simulation/', 3, 'simulation'],
    ['PATCH', '/ops/health/live', 1, 'live'],
    // Answered, not refused: the route answers the method.
    ['PUT', '/health/checks/database/simulation', 3, undefined],
    ['GET', '/health/ready', 1, undefined],
    // No method a door routes: no route, whatever the path.
    ['OPTIONS', '/health/ready', 1, undefined],
    ['TRACE', '/health', 0, undefined],
    // No route spelled so: another path (case, encoding, unknown, one segment too many or the prefix as a route).
    ['POST', '/health/READY', 1, undefined],
    ['POST', '/HEALTH/ready', 1, undefined],
    ['POST', '/health/%72eady', 1, undefined],
    ['POST', '/health/nope', 1, undefined],
    ['POST', '/health/ready/more', 2, undefined],
    ['POST', '/health/health', 1, undefined],
    ['POST', '/health', 3, undefined],
  ])('%s %s (%i below): %s', (method, target, below, name) => expect(refusedRoute(method, target, 'health', below)?.name).toBe(name));
});
