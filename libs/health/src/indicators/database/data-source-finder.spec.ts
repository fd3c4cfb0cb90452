import { describe, expect, it } from '@jest/globals';
import { databaseCheckName } from './data-source-finder.js';

describe('databaseCheckName', () => {
  it('is "database" for the default DataSource and "database-<name>" for others', () => {
    expect(databaseCheckName('default')).toBe('database');
    expect(databaseCheckName('reports')).toBe('database-reports');
  });

  it('turns any name into a valid check name', () => {
    expect(databaseCheckName('Legacy Orders')).toBe('database-legacy-orders');
    expect(databaseCheckName('orders_v2.read')).toBe('database-orders_v2.read');
    expect(databaseCheckName('***')).toBe('database-unnamed');
  });
});
