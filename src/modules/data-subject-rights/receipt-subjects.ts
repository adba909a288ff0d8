import { Injectable } from '@nestjs/common';

/** The person behind a receipt reference: their subject id and the address the shop holds, if any. */
export interface ReceiptSubject {
  subjectId: string;
  email: string | null;
}

/** Looks up a receipt reference; null when no analysis carries it. Must not throw for an unknown reference. */
export type ReceiptSubjectResolver = (reference: string) => Promise<ReceiptSubject | null>;

/**
 * Where the module that prints receipts (device analyses) tells this one who a receipt reference
 * belongs to, so that a person without an account can make a privacy request with it. The owning
 * module registers a resolver at start (`onModuleInit`); without one, every reference is unknown,
 * and the intake answers exactly as it does for a known one.
 */
@Injectable()
export class ReceiptSubjects {
  private readonly resolvers: ReceiptSubjectResolver[] = [];

  /** Adds a lookup; with several (more than one module printing receipts), the first that knows the reference answers. */
  register(resolver: ReceiptSubjectResolver): void {
    this.resolvers.push(resolver);
  }

  /** The subject behind `reference`, or null (also when no resolver is registered). */
  async resolve(reference: string): Promise<ReceiptSubject | null> {
    for (const resolver of this.resolvers) {
      const found = await resolver(reference);
      if (found) return { subjectId: found.subjectId, email: found.email?.trim() ? found.email : null };
    }
    return null;
  }
}
