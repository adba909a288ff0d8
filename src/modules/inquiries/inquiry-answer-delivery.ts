import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InquiryDeletion } from './inquiry-deletion.js';

/** What the notifications outbox needs to send one answer to the person who asked. */
export interface AnswerToDeliver {
  inquiryId: string;
  answerId: string;
  recipient: { name: string; email: string };
  productSku: string | null;
  /** The person's question, to quote in the mail. */
  question: string;
  answer: string;
  answeredAt: Date;
  /** Already sent (a job retried after a crash between sending and marking). */
  deliveredAt: Date | null;
}

/**
 * The seam between inquiries and the notifications outbox (built separately): the worker of
 * INQUIRY_ANSWERED_JOB reads the answer with `forDelivery(answerId)`, sends it, and reports with
 * `markDelivered(answerId)`. A closed inquiry waits for that report before it is deleted (at most
 * ANSWER_DELIVERY_WAIT_DAYS), so that closing right after answering never loses the answer.
 */
@Injectable()
export class InquiryAnswerDelivery {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deletion: InquiryDeletion,
  ) {}

  /** The answer and its addressee, or null when the inquiry is gone or withdrawn: then send nothing. */
  async forDelivery(answerId: string): Promise<AnswerToDeliver | null> {
    const [row] = await this.dataSource.query<
      {
        inquiry_id: string;
        name: string;
        email: string;
        product_sku: string | null;
        message: string;
        body: string;
        created_at: Date;
        delivered_at: Date | null;
      }[]
    >(
      `select a.inquiry_id, i.name, i.email, i.product_sku, i.message, a.body, a.created_at, a.delivered_at
         from inquiry_answer a join inquiry i on i.id = a.inquiry_id
        where a.id = $1 and i.withdrawn_at is null`,
      [answerId],
    );
    if (!row) return null;
    return {
      inquiryId: row.inquiry_id,
      answerId,
      recipient: { name: row.name, email: row.email },
      productSku: row.product_sku,
      question: row.message,
      answer: row.body,
      answeredAt: row.created_at,
      deliveredAt: row.delivered_at,
    };
  }

  /**
   * Records that the answer was sent. If its inquiry is closed and was only waiting for this, it is
   * deleted in the same transaction. Answers false when the answer no longer exists.
   */
  async markDelivered(answerId: string, now: Date = new Date()): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<{ inquiry_id: string; ended: boolean }[]>(
        `select i.id as inquiry_id, (i.closed_at is not null or i.withdrawn_at is not null) as ended
           from inquiry i join inquiry_answer a on a.inquiry_id = i.id
          where a.id = $1
            for update of i`,
        [answerId],
      );
      if (!row) return false;
      await manager.query(
        'update inquiry_answer set delivered_at = coalesce(delivered_at, $2) where id = $1',
        [answerId, now],
      );
      if (row.ended) await this.deletion.deleteIfDue(row.inquiry_id, now, manager);
      return true;
    });
  }
}
