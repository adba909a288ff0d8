// The partners module's public surface (docs/architecture.md): what other modules may use.
export { PartnersModule } from './partners.module.js';
export { PartnerShipmentsModule } from './partner-shipments.module.js';
export { Partners, type NewPartner } from './partners.service.js';
export { PARTNER_KINDS, type PartnerKind } from './partner.entity.js';
