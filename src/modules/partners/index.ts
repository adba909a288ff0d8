// The partners module's public surface (docs/architecture.md).
export { PartnersModule } from './partners.module.js';
export { PartnerShipmentsModule } from './partner-shipments.module.js';
