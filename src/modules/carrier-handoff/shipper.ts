/** The sender on every label: the shop itself (SHIPPER_* configuration), not a person. */
export interface Shipper {
  name: string;
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}
