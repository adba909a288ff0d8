import { Injectable } from '@nestjs/common';
import { OrderReader, OrderSecrets } from '../orders/index.js';
import type { GuestOrderAccess } from './guest-order-access.port.js';

/**
 * Guest access through the orders module's signed order links (`X-Order-Token`): the token must
 * grant exactly this order, and the guest's subject id is derived the way the orders module derived it
 * at placement (a keyed hash of the email; the email itself goes no further than this call).
 */
@Injectable()
export class OrdersGuestAccess implements GuestOrderAccess {
  constructor(
    private readonly secrets: OrderSecrets,
    private readonly reader: OrderReader,
  ) {}

  async subjectOfOrder(orderId: string, orderToken: string): Promise<string | null> {
    const granted = await this.secrets.verifyAccessToken(orderToken);
    if (!granted || granted !== orderId.toLowerCase()) return null;
    const order = await this.reader.forGuest(granted);
    if (!order?.customer.email) return null;
    return this.secrets.guestSubject(order.customer.email);
  }
}
