import { defineRecipient } from '@app/privacy';

/**
 * A logistics partner (forwarder, fulfilment service) that pulls the shipments assigned to it through
 * the partner API or receives them by signed webhook, and delivers them. Like the carriers it is an
 * independent controller that may use the data only to deliver. A partner account names it as its
 * recipient (partner.recipient_id = 'logistics-partner'); a partner under an Art. 28 contract instead
 * would be declared as a processor of its own.
 */
export const LOGISTICS_PARTNER = defineRecipient({
  id: 'logistics-partner',
  name: 'Logistics partners (forwarders and fulfilment services named in the partner accounts)',
  role: 'recipient',
  country: 'DE',
  contractReference: 'logistics framework contract of each partner',
  description:
    'Delivers parcels the shop assigns to it; receives the shipments assigned to it through the partner API and ' +
    'signed webhooks, with the same fields as a carrier; uses them only to deliver.',
});
