// Business customers: what other modules may use.
export { BusinessCustomersModule } from './business-customers.module.js';
export { BusinessCustomers, type BusinessBuyer } from './business-customers.service.js';
export { parseVatId, type ParsedVatId } from './vat-id.js';
