import { Injectable } from '@nestjs/common';
import { RetentionPolicies } from '../retention/retention-policy.js';
import { StatutoryPeriods } from '../retention/statutory-periods.js';
import {
  DeclaredRecordRights,
  declaredRetentionPolicies,
  type RecordsDeclaration,
} from './declared-records.js';
import { RightsRegistry } from './rights.registry.js';

/**
 * Turns a module's records declaration (`PrivacyModule.forFeature({ records })`) into its exporter,
 * eraser and retention policies, registered where the hand-written ones are: a module states its
 * records once, the kernel runs the erase / block / hold loop for all of them.
 */
@Injectable()
export class DeclaredRecords {
  constructor(
    private readonly rights: RightsRegistry,
    private readonly retention: RetentionPolicies,
    private readonly periods: StatutoryPeriods,
  ) {}

  register(declaration: RecordsDeclaration): void {
    const rights = new DeclaredRecordRights(declaration);
    if (rights.exports) this.rights.registerExporter(rights);
    this.rights.registerEraser(rights);
    for (const policy of declaredRetentionPolicies(declaration, this.periods))
      this.retention.register(policy);
  }
}
