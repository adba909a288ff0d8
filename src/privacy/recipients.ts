import { defineRecipient, type RecipientDeclaration } from '@app/privacy';

/**
 * The recipients and processors the shop's privacy policy names. Carriers, payment providers and
 * credit agencies are independent controllers (recipients), not processors; hosting is a processor
 * under an Art. 28 contract (docs/legal-facts.md). The policy still names "Privacy Shield" for US transfers;
 * that mechanism is void since 2020, so US transfers rest on the EU-US Data Privacy Framework or on
 * standard contractual clauses here.
 */
export const SHOP_RECIPIENTS: RecipientDeclaration[] = [
  defineRecipient({
    id: 'dhl',
    name: 'DHL Paket GmbH',
    role: 'recipient',
    country: 'DE',
    contractReference: 'DHL Geschäftskundenvertrag (Paket)',
    description: 'Parcel carrier; uses the data only to deliver.',
  }),
  defineRecipient({
    id: 'hermes',
    name: 'Hermes Germany GmbH',
    role: 'recipient',
    country: 'DE',
    contractReference: 'Hermes HSI Versandvertrag',
    description: 'Parcel carrier; uses the data only to deliver.',
  }),
  defineRecipient({
    id: 'dpd',
    name: 'DPD Deutschland GmbH',
    role: 'recipient',
    country: 'DE',
    contractReference: 'DPD Versandvertrag',
    description: 'Parcel carrier; uses the data only to deliver.',
  }),
  defineRecipient({
    id: 'stripe',
    name: 'Stripe Payments Europe, Limited',
    role: 'recipient',
    country: 'IE',
    contractReference: 'Stripe Services Agreement incl. Data Processing Agreement',
    description:
      'Card payments. Onward transfer to Stripe, Inc. (US) under the EU-US Data Privacy Framework.',
  }),
  defineRecipient({
    id: 'stripe-us',
    name: 'Stripe, Inc.',
    role: 'recipient',
    country: 'US',
    transferMechanism: 'eu-us-dpf',
    contractReference: 'Stripe DPA, DPF self-certification',
    description: 'Stripe group company processing card payment data in the US.',
  }),
  defineRecipient({
    id: 'paypal',
    name: 'PayPal (Europe) S.à r.l. et Cie, S.C.A.',
    role: 'recipient',
    country: 'LU',
    contractReference: 'PayPal user agreement for merchants',
    description: 'PayPal payments.',
  }),
  defineRecipient({
    id: 'klarna',
    name: 'Klarna Bank AB (publ)',
    role: 'recipient',
    country: 'SE',
    contractReference: 'Klarna merchant agreement',
    description: 'Payment by invoice or instalments, where offered.',
  }),
  defineRecipient({
    id: 'mastercard',
    name: 'Mastercard Europe SA',
    role: 'recipient',
    country: 'BE',
    contractReference: 'card scheme rules',
    description: 'Card scheme that routes card payments.',
  }),
  defineRecipient({
    id: 'credit-agency',
    name: 'Credit agency (configured per shop)',
    role: 'recipient',
    country: 'DE',
    contractReference: 'credit agency framework contract',
    description: 'Credit checks before SEPA direct debit or invoice (credit-risk methods only).',
  }),
  defineRecipient({
    id: 'hosting-provider',
    name: 'Hosting provider (data centre in Germany)',
    role: 'processor',
    country: 'DE',
    contractReference: 'Art. 28 GDPR data processing agreement',
    description: 'Hosting, database, security and maintenance of the shop systems.',
  }),
];
