// The registration module's public surface (docs/architecture.md).
export { RegistrationModule } from './registration.module.js';
