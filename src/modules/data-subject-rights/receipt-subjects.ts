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
 * module registers one resolver at start (`onModuleInit`); without one, every reference is unknown,
 * and the intake answers exactly as it does for a known one.
 */
@Injectable()
export class ReceiptSubjects {
  private resolver: ReceiptSubjectResolver | null = null;

  register(resolver: ReceiptSubjectResolver): void {
    if (this.resolver) throw new Error('ReceiptSubjects: a resolver is already registered');
    this.resolver = resolver;
  }

  /** The subject behind `reference`, or null (also when no resolver is registered). */
  async resolve(reference: string): Promise<ReceiptSubject | null> {
    if (!this.resolver) return null;
    const found = await this.resolver(reference);
    if (!found) return null;
    return { subjectId: found.subjectId, email: found.email?.trim() ? found.email : null };
  }
}
