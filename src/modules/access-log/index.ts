// The access-log module's public surface: what other modules and the app may import (docs/architecture.md).
export { AccessLogModule } from './access-log.module.js';
