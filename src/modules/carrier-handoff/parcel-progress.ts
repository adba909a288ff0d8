import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderReader, OrderStateMachine, type OrderStatus } from '../orders/index.js';
import { HANDED_OVER } from './shipment.entity.js';
import { ShipmentStore, type ParcelLine, type ParcelState } from './shipment-store.js';

/** The statuses an order's goods may leave in, parcel by parcel. */
export const SHIPPABLE: readonly OrderStatus[] = ['picking', 'packed', 'partially_shipped'];

/** Where the order's parcels have got to, as the order's status says it. */
export type ParcelsProgress = 'delivered' | 'handed_to_carrier' | 'partially_shipped' | 'none';

/** Pieces of each line carried by `parcels` (a parcel without lines carries the whole order). */
export function carried(parcels: readonly ParcelState[], items: readonly ParcelLine[]): Map<number, number> {
  const pieces = new Map<number, number>(items.map((i) => [i.lineNo, 0]));
  for (const parcel of parcels)
    for (const line of parcel.lines ?? items)
      pieces.set(line.lineNo, (pieces.get(line.lineNo) ?? 0) + line.quantity);
  return pieces;
}

/**
 * The order's progress from its parcels: all lines delivered, all handed over, some handed over, or
 * none. An order is `partially_shipped` until its last piece is with a carrier.
 */
export function progressOf(parcels: readonly ParcelState[], items: readonly ParcelLine[]): ParcelsProgress {
  const all = (of: readonly ParcelState[]) => {
    const pieces = carried(of, items);
    return items.every((i) => (pieces.get(i.lineNo) ?? 0) >= i.quantity);
  };
  const out = parcels.filter((p) => HANDED_OVER.includes(p.status));
  if (out.length === 0) return 'none';
  if (all(parcels.filter((p) => p.status === 'delivered')) && parcels.every((p) => p.status === 'delivered'))
    return 'delivered';
  return all(out) ? 'handed_to_carrier' : 'partially_shipped';
}

/**
 * Moves an order along with its parcels, in the caller's transaction: `partially_shipped` while some
 * lines are with a carrier (again for each further parcel, so each parcel's email goes out),
 * `handed_to_carrier` once all are, `delivered` once every parcel is delivered. An order that is
 * elsewhere (refunded, cancelled, moved by hand) is not moved: its status is answered for the caller
 * to act on; `gone` when it is erased or blocked.
 */
@Injectable()
export class ParcelProgress {
  constructor(
    private readonly store: ShipmentStore,
    private readonly orders: OrderReader,
    private readonly machine: OrderStateMachine,
  ) {}

  async advance(manager: EntityManager, orderId: string, reason: string): Promise<OrderStatus | 'gone'> {
    await this.store.lockOrder(manager, orderId);
    const [order] = await this.orders.views([orderId], manager);
    if (!order) return 'gone';
    const items = order.items.map((i) => ({ lineNo: i.lineNo, quantity: i.quantity }));
    const progress = progressOf(await this.store.parcelsOf(manager, orderId), items);
    let status: OrderStatus = order.status;
    const move = async (to: OrderStatus) => {
      await this.machine.transition(orderId, to, { manager, reason });
      status = to;
    };
    if (progress === 'none') return status;
    if (!SHIPPABLE.includes(status) && !(progress === 'delivered' && status === 'handed_to_carrier'))
      return status;
    if (progress === 'partially_shipped') await move('partially_shipped');
    else {
      if (SHIPPABLE.includes(status)) await move('handed_to_carrier');
      if (progress === 'delivered') await move('delivered');
    }
    return status;
  }
}
