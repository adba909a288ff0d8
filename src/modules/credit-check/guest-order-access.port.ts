/**
 * How a guest (no account) proves that a credit check is theirs: with the access token of their order
 * (`X-Order-Token`), which the orders module issues and alone can verify. The adapter in use is
 * OrdersGuestAccess (orders-guest-access.ts), on the orders module's OrderSecrets and OrderReader.
 */
export const GUEST_ORDER_ACCESS = 'GUEST_ORDER_ACCESS';

export interface GuestOrderAccess {
  /**
   * The data subject of the order when `orderToken` is its valid access token, otherwise null. Must
   * compare in constant time; it is called only for guests (a header `X-Order-Token`).
   */
  subjectOfOrder(orderId: string, orderToken: string): Promise<string | null>;
}
