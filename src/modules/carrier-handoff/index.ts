// The carrier-handoff module's public surface (docs/architecture.md): partners builds its shipment API on it.
export { CarrierHandoffModule } from './carrier-handoff.module.js';
export { CARRIER_HANDOFF, CARRIER_ALLOW_LIST } from './carrier-handoff.declarations.js';
export { shipmentNotFound } from './carrier-handoff.problems.js';
export { CARRIERS, type CarrierId, type ParcelRecipient } from './carrier.port.js';
export { parcelOnly, parcelRecipient } from './parcel-recipient.js';
export {
  SHIPMENT_EVENTS_QUEUE,
  SHIPMENT_EVENT_TYPES,
  type ShipmentEvent,
  type ShipmentEventType,
} from './shipment-events.js';
export { ShipmentLifecycle, type PartnerReport } from './shipment-lifecycle.js';
export { type ShipmentRow } from './shipment-store.js';
export { ShipmentQueries, type PartnerShipmentPage } from './shipment-queries.js';
export { SHIPMENT_STATUSES, type ShipmentStatus } from './shipment.entity.js';
