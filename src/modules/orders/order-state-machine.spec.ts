import { describe, expect, it } from '@jest/globals';
import {
  canTransition,
  mayStaffTransition,
  nextStatuses,
  ORDER_STATUSES,
  PAID_STATUSES,
  STAFF_TARGETS,
  TRANSITIONS,
} from './order-state-machine.js';

describe('the order state machine', () => {
  it('runs placed → awaiting_payment → paid → picking → packed → handed_to_carrier → delivered', () => {
    const path = [
      'placed',
      'awaiting_payment',
      'paid',
      'picking',
      'packed',
      'handed_to_carrier',
      'delivered',
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('lets a payment arrive before the payment step was started', () => {
    expect(canTransition('placed', 'paid')).toBe(true);
  });

  it('cancels only before packing, and refunds only what was paid', () => {
    expect(ORDER_STATUSES.filter((s) => canTransition(s, 'cancelled'))).toEqual([
      'placed',
      'awaiting_payment',
      'paid',
      'picking',
    ]);
    expect(ORDER_STATUSES.filter((s) => canTransition(s, 'refunded'))).toEqual(
      PAID_STATUSES.filter((s) => s !== 'refunded'),
    );
  });

  it('ends at cancelled and refunded', () => {
    expect(nextStatuses('cancelled')).toEqual([]);
    expect(nextStatuses('refunded')).toEqual([]);
  });

  it('never goes back or skips a fulfilment step', () => {
    expect(canTransition('packed', 'picking')).toBe(false);
    expect(canTransition('paid', 'packed')).toBe(false);
    expect(canTransition('delivered', 'handed_to_carrier')).toBe(false);
    expect(canTransition('placed', 'picking')).toBe(false);
  });

  it('releases stock only while the goods are still in the warehouse', () => {
    expect(TRANSITIONS.cancelled.releasesStockFrom).toEqual([
      'placed',
      'awaiting_payment',
      'paid',
      'picking',
    ]);
    expect(TRANSITIONS.refunded.releasesStockFrom).toEqual(['paid', 'picking', 'packed']);
    for (const status of ORDER_STATUSES) {
      for (const from of TRANSITIONS[status].releasesStockFrom)
        expect(canTransition(from, status)).toBe(true);
    }
  });

  it('gives fulfilment the parcel, support the money, admin both, and nobody the payment states', () => {
    expect(STAFF_TARGETS).toEqual([
      'picking',
      'packed',
      'handed_to_carrier',
      'delivered',
      'cancelled',
      'refunded',
    ]);
    for (const to of ['picking', 'packed', 'handed_to_carrier', 'delivered'] as const) {
      expect([mayStaffTransition('fulfilment', to), mayStaffTransition('support', to)]).toEqual([
        true,
        false,
      ]);
    }
    for (const to of ['cancelled', 'refunded'] as const) {
      expect([mayStaffTransition('fulfilment', to), mayStaffTransition('support', to)]).toEqual([
        false,
        true,
      ]);
    }
    for (const to of STAFF_TARGETS) expect(mayStaffTransition('admin', to)).toBe(true);
    for (const to of ORDER_STATUSES) expect(mayStaffTransition('privacy-officer', to)).toBe(false);
    expect(mayStaffTransition('admin', 'paid')).toBe(false);
  });
});
