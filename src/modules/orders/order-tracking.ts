import { Injectable } from '@nestjs/common';

/** One parcel of an order as its buyer sees it. */
export interface OrderParcel {
  carrier: string;
  status: string;
  trackingNumber: string | null;
  /** The carrier's public tracking page for the parcel, or null before it has a number. */
  trackingUrl: string | null;
}

/** Answers the parcels of orders (by order id): the carrier handoff plugs its shipments in. */
export type OrderParcelSource = (orderIds: readonly string[]) => Promise<Map<string, OrderParcel[]>>;

/**
 * The port through which order views get their parcels: shipments belong to the carrier-handoff
 * module, which depends on orders, so orders cannot ask it directly; the handoff module registers
 * its source here from its onModuleInit (as with OrderTransitionHooks). Without one, no parcels.
 */
@Injectable()
export class OrderParcels {
  private source: OrderParcelSource | null = null;

  register(source: OrderParcelSource): void {
    if (this.source) throw new Error('a parcel source is registered already');
    this.source = source;
  }

  async of(orderIds: readonly string[]): Promise<Map<string, OrderParcel[]>> {
    return this.source && orderIds.length > 0 ? this.source(orderIds) : new Map();
  }
}
