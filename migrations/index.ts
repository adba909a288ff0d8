import type { MigrationInterface } from 'typeorm';
import { Foundation1795559000000 } from './1795559000000-foundation.js';
import { PrivacyKernel1795560000000 } from './1795560000000-privacy-kernel.js';
import { PrivacyAudit1795560100000 } from './1795560100000-privacy-audit.js';
import { PrivacyRetention1795560200000 } from './1795560200000-privacy-retention.js';

/**
 * Every migration, in order. A migration is never edited after it landed: add a new one
 * (`npm run migration:generate -- <Name>` writes the file; add it here).
 */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Foundation1795559000000,
  PrivacyKernel1795560000000,
  PrivacyAudit1795560100000,
  PrivacyRetention1795560200000,
];
