// The device-analysis module's public surface (docs/architecture.md).
export { DeviceAnalysisModule } from './device-analysis.module.js';
// For scripts/device-rewrap-keys.ts (key rotation without the application running).
export { loadKeyRing, rewrapAllKeys, type KeyRing, type RewrapReport } from './data-keys.js';
