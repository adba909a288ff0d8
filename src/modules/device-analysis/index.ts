// The device-analysis module's public surface (docs/architecture.md).
export { DeviceAnalysisModule } from './device-analysis.module.js';
