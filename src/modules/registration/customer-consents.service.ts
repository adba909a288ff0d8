import { Injectable } from '@nestjs/common';
import { ConsentLedger, type ConsentState } from '@app/privacy';
import { conflict, ValidationProblem } from '../../common/problem/problem.js';
import { customerSubject } from '../../common/subjects.js';
import type { Client } from './client.js';
import type { ChangeConsentDto, ConsentStateDto } from './dto/consent.dto.js';
import { MARKETING_EMAIL_PURPOSE, MARKETING_EMAIL_WORDING } from './registration.declarations.js';

/** The consents a customer can give in the account, with the words they agree to. */
const OFFERED: ReadonlyMap<string, { version: string; text: string }> = new Map([
  [MARKETING_EMAIL_PURPOSE, MARKETING_EMAIL_WORDING],
]);

/**
 * The customer's consents, read from and written to the consent ledger. Granting needs the wording
 * version the person was shown (proof, Art. 7(1)); withdrawing needs only the purpose and works for
 * every purpose the person ever granted, wherever they granted it (Art. 7(3)).
 */
@Injectable()
export class CustomerConsents {
  constructor(private readonly ledger: ConsentLedger) {}

  async list(customerId: string): Promise<ConsentStateDto[]> {
    const subjectId = customerSubject(customerId);
    const states = new Map((await this.ledger.states(subjectId)).map((s) => [s.purpose, s]));
    const purposes = [...new Set([...OFFERED.keys(), ...states.keys()])].sort();
    return purposes.map((purpose) => this.view(purpose, states.get(purpose)));
  }

  async change(customerId: string, dto: ChangeConsentDto, client: Client): Promise<ConsentStateDto> {
    const subjectId = customerSubject(customerId);
    const channel = 'customer-account';
    if (dto.action === 'grant') {
      const wording = OFFERED.get(dto.purpose);
      if (!wording) {
        throw new ValidationProblem([{ field: 'purpose', reason: 'is not a consent offered here' }]);
      }
      if (dto.wordingVersion === undefined) {
        throw new ValidationProblem([{ field: 'wordingVersion', reason: 'is required to grant consent' }]);
      }
      if (dto.wordingVersion !== wording.version) {
        throw conflict(
          'consent-wording-outdated',
          'The wording shown is not the current one. Show the current text and ask again.',
          { currentWordingVersion: wording.version },
        );
      }
      const current = await this.ledger.state(subjectId, dto.purpose);
      // Granting again what stands on the same words adds nothing to the proof.
      if (current.granted && current.wordingVersion === wording.version)
        return this.view(dto.purpose, current);
      await this.ledger.grant({
        subjectId,
        purpose: dto.purpose,
        wording,
        channel,
        evidence: { requestId: client.requestId },
      });
    } else {
      // Withdrawing what was never granted (or is withdrawn already) changes nothing and is no error.
      await this.ledger.withdraw({
        subjectId,
        purpose: dto.purpose,
        channel,
        evidence: { requestId: client.requestId },
      });
    }
    return this.view(dto.purpose, await this.ledger.state(subjectId, dto.purpose));
  }

  private view(purpose: string, state: ConsentState | undefined): ConsentStateDto {
    const offered = OFFERED.get(purpose);
    return {
      purpose,
      granted: state?.granted ?? false,
      since: state?.since ?? null,
      wordingVersion: state?.wordingVersion ?? null,
      offered: offered !== undefined,
      currentWordingVersion: offered?.version ?? null,
      currentWording: offered?.text ?? null,
    };
  }
}
