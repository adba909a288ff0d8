import { describe, expect, it } from '@jest/globals';
import { buildModuleMap } from './module-map.js';

/**
 * The boundary debt may only shrink: each entry is a module whose SQL still names another module's table
 * (docs/modules.md lists them). Remove an entry when its read moves behind the owner's index.ts; a new
 * cross-module read fails here: ask the owning module for a query in its index.ts instead.
 */
const KNOWN_FOREIGN_READS = new Set([
  'carrier-handoff → invoice',
  'carrier-handoff → partner',
  'carrier-handoff → partner_webhook',
  'carrier-handoff → shop_order',
  'orders → customer',
]);

describe('the module map', () => {
  const map = buildModuleMap(process.cwd());

  it('finds the modules, their dependencies through index.ts and the tables they own', () => {
    const orders = map.modules.find((m) => m.name === 'orders');
    expect(orders?.owns).toEqual(expect.arrayContaining(['shop_order', 'order_item']));
    const registration = map.modules.find((m) => m.name === 'registration');
    expect(registration?.owns).toEqual(expect.arrayContaining(['customer', 'customer_session']));
    expect(map.modules.find((m) => m.name === 'payments')?.dependsOn).toContain('orders');
    // Every table is owned by exactly one module.
    const owners = map.modules.flatMap((m) => m.owns);
    expect(new Set(owners).size).toBe(owners.length);
  });

  it('lets no module read another module’s table beyond the known, shrinking list', () => {
    const found = new Set(map.foreign.map((f) => `${f.module} → ${f.table}`));
    expect([...found].filter((r) => !KNOWN_FOREIGN_READS.has(r))).toEqual([]);
  });

  it('keeps the known list honest: an entry that is gone must be removed', () => {
    const found = new Set(map.foreign.map((f) => `${f.module} → ${f.table}`));
    expect([...KNOWN_FOREIGN_READS].filter((r) => !found.has(r))).toEqual([]);
  });
});
