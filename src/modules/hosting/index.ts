// The hosting module's public surface (docs/architecture.md).
export { HostingModule } from './hosting.module.js';
