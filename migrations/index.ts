import type { MigrationInterface } from 'typeorm';
import { Foundation1795559000000 } from './1795559000000-foundation.js';

/**
 * Every migration, in order. A migration is never edited after it landed: add a new one
 * (`npm run migration:generate -- <Name>` writes the file; add it here).
 */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Foundation1795559000000];
