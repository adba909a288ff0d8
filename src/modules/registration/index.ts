// The registration module's public surface (docs/architecture.md).
export { RegistrationModule } from './registration.module.js';
export {
  CustomerDirectory,
  type CustomerAddressRecord,
  type CustomerCriteria,
  type CustomerCursor,
  type CustomerRecord,
  type CustomerSearchResult,
} from './customer-directory.js';
