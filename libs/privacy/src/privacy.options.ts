import type { RetentionOptionsInput } from './retention/retention.options.js';

/** What the application tells the kernel at boot (from its own configuration). */
export interface PrivacyKernelOptions {
  /**
   * Bearer token that guards the admin routes until staff accounts exist. No default: when unset,
   * the admin routes answer 401 to everyone.
   */
  bootstrapAdminToken?: string;
  /** Run the retention sweep on this cron schedule (pg-boss); unset disables the schedule. */
  retentionSweepCron?: string;
  /** Start pg-boss workers in this process (off for CLIs and most tests). */
  runJobs?: boolean;
  /** Database URL pg-boss connects with (the same database as the app). */
  databaseUrl: string;
  /** Store declarations versioned at start (default true). */
  persistDeclarations?: boolean;
  /** Statutory periods, time zone and batch size of retention (defaults: HGB/AO periods, Europe/Berlin). */
  retention?: RetentionOptionsInput;
  /** The controller named in the Art. 30 record and the Art. 15 answer. */
  controller: ControllerIdentity;
  /**
   * Key of the HMAC-SHA256 the disclosure log keeps of each payload. A plain SHA-256 of low-entropy
   * data (a name, a postcode, an amount) can be reversed by trying candidates; keyed, it can only be
   * checked by whoever holds the key. Unset: a random key per process (development and tests only: the
   * hashes then cannot be checked after a restart).
   */
  disclosureHashKey?: Buffer;
}

export interface ControllerIdentity {
  name: string;
  address: string;
  contact: string;
  dpo?: string;
  /** The supervisory authority a person may complain to (Art. 77, Art. 15(1)(f)). */
  supervisoryAuthority: string;
}

export const PRIVACY_OPTIONS = Symbol('PRIVACY_OPTIONS');
