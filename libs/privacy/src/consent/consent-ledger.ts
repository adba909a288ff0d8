import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { sha256 } from '../registry/canonical-json.js';
import { ConsentEvent } from './consent-event.entity.js';

/** The text the person agreed to, identified by version; its hash proves which words they saw (Art. 7(1)). */
export interface ConsentWording {
  version: string;
  text: string;
}

export interface ConsentRecordInput {
  subjectId: string;
  purpose: string;
  channel: string;
  evidence?: Record<string, unknown>;
}

export interface ConsentState {
  subjectId: string;
  purpose: string;
  granted: boolean;
  /** When the current state began (the latest event), if there is any event. */
  since?: Date;
  wordingVersion?: string;
}

/**
 * The consent ledger: append-only grant and withdraw events per subject and purpose. The current
 * state is the latest event, never a flag that is overwritten; the history proves what was agreed
 * when (Art. 7(1)) and that withdrawing was as easy as granting (Art. 7(3)).
 */
@Injectable()
export class ConsentLedger {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async grant(
    input: ConsentRecordInput & { wording: ConsentWording },
    manager?: EntityManager,
  ): Promise<ConsentEvent> {
    return this.append(input, 'grant', input.wording.version, sha256(input.wording.text), manager);
  }

  /** Withdrawal refers to the wording of the grant it ends; it takes effect at once and is not retroactive. */
  async withdraw(input: ConsentRecordInput, manager?: EntityManager): Promise<ConsentEvent | null> {
    const current = await this.latest(input.subjectId, input.purpose, manager);
    if (!current || current.action === 'withdraw') return null;
    return this.append(input, 'withdraw', current.wordingVersion, current.wordingHash, manager);
  }

  async state(subjectId: string, purpose: string, manager?: EntityManager): Promise<ConsentState> {
    const latest = await this.latest(subjectId, purpose, manager);
    return latest
      ? {
          subjectId,
          purpose,
          granted: latest.action === 'grant',
          since: latest.occurredAt,
          wordingVersion: latest.wordingVersion,
        }
      : { subjectId, purpose, granted: false };
  }

  async isGranted(subjectId: string, purpose: string, manager?: EntityManager): Promise<boolean> {
    return (await this.latest(subjectId, purpose, manager))?.action === 'grant';
  }

  /** Every purpose's current state for one subject. */
  async states(subjectId: string, manager?: EntityManager): Promise<ConsentState[]> {
    const rows: {
      purpose: string;
      action: 'grant' | 'withdraw';
      occurred_at: Date;
      wording_version: string;
    }[] = await (manager ?? this.dataSource.manager).query(
      `select distinct on (purpose) purpose, action, occurred_at, wording_version
         from privacy.consent_event where subject_id = $1 order by purpose, id desc`,
      [subjectId],
    );
    return rows.map((r) => ({
      subjectId,
      purpose: r.purpose,
      granted: r.action === 'grant',
      since: r.occurred_at,
      wordingVersion: r.wording_version,
    }));
  }

  /** The full history (for the Art. 15 answer and as proof of consent). */
  async history(subjectId: string | readonly string[], manager?: EntityManager): Promise<ConsentEvent[]> {
    const ids = typeof subjectId === 'string' ? [subjectId] : [...subjectId];
    return (manager ?? this.dataSource.manager)
      .getRepository(ConsentEvent)
      .find({ where: { subjectId: In(ids) }, order: { id: 'ASC' } });
  }

  private latest(subjectId: string, purpose: string, manager?: EntityManager): Promise<ConsentEvent | null> {
    return (manager ?? this.dataSource.manager)
      .getRepository(ConsentEvent)
      .findOne({ where: { subjectId, purpose }, order: { id: 'DESC' } });
  }

  private async append(
    input: ConsentRecordInput,
    action: 'grant' | 'withdraw',
    wordingVersion: string,
    wordingHash: string,
    manager?: EntityManager,
  ): Promise<ConsentEvent> {
    const repo = (manager ?? this.dataSource.manager).getRepository(ConsentEvent);
    return repo.save(
      repo.create({
        subjectId: input.subjectId,
        purpose: input.purpose,
        action,
        wordingVersion,
        wordingHash,
        channel: input.channel,
        evidence: input.evidence ?? {},
      }),
    );
  }
}
