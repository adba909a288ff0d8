import type { OrderView } from '../orders/index.js';
import type { ParcelRecipient } from './carrier.port.js';

const present = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/**
 * The payload a carrier or partner receives about an order's parcel, built from the order's delivery
 * address, nothing else of it. `allowed` is what the Discloser says the recipient may receive about
 * this person now (the allow-list, plus email and phone while the carrier-notification consent stands).
 * The email is added only when, on top, the buyer ticked the consent on this very order: the consent's
 * wording speaks of "this order". The order holds no phone number, so none is ever added.
 */
export function parcelRecipient(
  order: OrderView,
  parcel: { weightGrams: number; reference?: string },
  allowed: readonly string[],
): ParcelRecipient {
  const address = order.deliveryAddress;
  const email = present(order.customer.email);
  const withEmail = allowed.includes('email') && order.carrierNotificationConsent && email !== undefined;
  return {
    name: `${address.firstName} ${address.lastName}`.trim(),
    street: address.street,
    houseNumber: present(address.houseNumber),
    addressLine2: present(address.addressLine2),
    postalCode: address.postalCode,
    city: address.city,
    country: address.country,
    ...(withEmail ? { email } : {}),
    parcel: { weight: parcel.weightGrams, reference: parcel.reference ?? order.number },
  };
}

/** The parcel without anyone in it: what a partner still receives once the personal data has expired. */
export const parcelOnly = (
  reference: string,
  weightGrams: number,
): { parcel: ParcelRecipient['parcel'] } => ({
  parcel: { weight: weightGrams, reference },
});
