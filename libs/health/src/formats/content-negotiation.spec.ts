import { describe, expect, it } from '@jest/globals';
import { negotiateFormat } from './content-negotiation.js';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['application/*', 'json'],
    ['application/xml', 'json'],
    ['image/png, application/octet-stream', 'json'],
    ['garbage;;;', 'json'],
    ['application/health+json', 'health-json'],
    ['APPLICATION/HEALTH+JSON; charset=utf-8', 'health-json'],
    ['text/html', 'html'],
    ['text/plain', 'text'],
    ['text/*', 'text'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'html'],
    ['application/json;q=0.5, text/plain', 'text'],
    ['text/plain;q=0.2, application/health+json;q=0.9, */*;q=0.1', 'health-json'],
    ['application/json;q=0, */*', 'health-json'],
    ['text/html, text/plain', 'html'],
    ['text/plain, text/html', 'text'],
    ['text/*;q=0.9, text/html', 'html'],
    ['application/json, application/health+json', 'json'],
  ])('%s → %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  it('joins repeated headers', () => {
    expect(negotiateFormat(['application/xml', 'text/plain'])).toBe('text');
  });
});
