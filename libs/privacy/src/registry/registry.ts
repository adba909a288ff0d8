import type { ActivityDeclaration, RecipientDeclaration } from '../declarations.js';

/** A personal-data field of an entity, marked with `@PersonalData(category)`. */
export interface PersonalDataField {
  entity: string;
  field: string;
  category: string;
}

/**
 * The in-memory processing registry: every declared activity and recipient, validated. Filled once
 * at start-up by the kernel (from every `PrivacyModule.forFeature(...)`); read-only afterwards.
 */
export class ProcessingRegistry {
  private readonly activityById = new Map<string, ActivityDeclaration>();
  private readonly recipientById = new Map<string, RecipientDeclaration>();

  constructor(
    activities: readonly ActivityDeclaration[],
    recipients: readonly RecipientDeclaration[],
    readonly personalDataFields: readonly PersonalDataField[] = [],
  ) {
    for (const r of recipients) {
      if (this.recipientById.has(r.id)) throw new Error(`recipient "${r.id}" is declared twice`);
      this.recipientById.set(r.id, r);
    }
    for (const a of activities) {
      if (this.activityById.has(a.id)) throw new Error(`activity "${a.id}" is declared twice`);
      this.activityById.set(a.id, a);
    }
  }

  activities(): ActivityDeclaration[] {
    return [...this.activityById.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  recipients(): RecipientDeclaration[] {
    return [...this.recipientById.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  hasActivity(id: string): boolean {
    return this.activityById.has(id);
  }

  activity(id: string): ActivityDeclaration {
    const a = this.activityById.get(id);
    if (!a) throw new Error(`no processing activity "${id}" is declared`);
    return a;
  }

  recipient(id: string): RecipientDeclaration {
    const r = this.recipientById.get(id);
    if (!r) throw new Error(`no recipient "${id}" is declared`);
    return r;
  }
}
