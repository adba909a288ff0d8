import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** What the orders module asks of invoicing when a paid order is cancelled or refunded. */
export interface CreditNoteRequest {
  orderId: string;
  /** Why, in the shop's words (no personal data): kept on the request and the credit note. */
  reason: string;
  /**
   * The lines credited, with quantities and amounts; absent: the whole invoice is reversed.
   * Amounts in the order's currency minor units, VAT computed per line.
   */
  lines?: { lineNo: number; quantity: number; amountCents: number; vatCents: number }[];
  /** The delivery charge credited with the lines (a withdrawal of the last lines, § 357(2) BGB). */
  shipping?: { amountCents: number; vatCents: number };
}

/**
 * The invoicing module's credit-note function, as the orders module calls it: inside the
 * transaction of the cancellation (so the credit note exists exactly when the cancellation does).
 * Answers the credit note's id and number.
 */
export type CreditNoteIssuer = (
  request: CreditNoteRequest,
  manager: EntityManager,
) => Promise<{ id: string; number: string }>;

/**
 * The port through which a cancelled or refunded paid order gets its invoice corrected (§ 14 UStG:
 * an issued invoice is never changed; a credit note reverses it). Invoicing depends on orders, so
 * it plugs its issueCreditNote in here from its onModuleInit: `creditNotes.register(issueCreditNote)`.
 *
 * Every request is also written to `credit_note_request` in the same transaction, with the credit
 * note's number once issued: while no issuer is registered (the invoicing module not deployed) the
 * open requests are the accountant's worklist, and the invoicing module can work them off later.
 */
@Injectable()
export class OrderCreditNotes {
  private issuer: CreditNoteIssuer | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  register(issuer: CreditNoteIssuer): void {
    if (this.issuer) throw new Error('a credit-note issuer is registered already');
    this.issuer = issuer;
  }

  async request(request: CreditNoteRequest, manager: EntityManager): Promise<{ number: string } | null> {
    const issued = this.issuer ? await this.issuer(request, manager) : null;
    await manager.query(
      `insert into credit_note_request (order_id, reason, lines, credit_note_id, credit_note_number, shipping)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        request.orderId,
        request.reason,
        request.lines ? JSON.stringify(request.lines) : null,
        issued?.id ?? null,
        issued?.number ?? null,
        request.shipping ? JSON.stringify(request.shipping) : null,
      ],
    );
    return issued ? { number: issued.number } : null;
  }

  /**
   * Works off the worklist: issues the credit notes of requests made while no issuer was registered,
   * oldest first, each in its own transaction with its request row (locked, so instances share the
   * work). Answers how many were issued.
   */
  async issueOpen(): Promise<number> {
    const issuer = this.issuer;
    if (!issuer) return 0;
    let issued = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const rows: {
          id: string;
          order_id: string;
          reason: string;
          lines: CreditNoteRequest['lines'] | null;
          shipping: CreditNoteRequest['shipping'] | null;
        }[] = await manager.query(
          `select id, order_id, reason, lines, shipping from credit_note_request
            where credit_note_number is null order by requested_at, id limit 1 for update skip locked`,
        );
        const open = rows[0];
        if (!open) return false;
        const note = await issuer(
          {
            orderId: open.order_id,
            reason: open.reason,
            ...(open.lines ? { lines: open.lines } : {}),
            ...(open.shipping ? { shipping: open.shipping } : {}),
          },
          manager,
        );
        await manager.query(
          'update credit_note_request set credit_note_id = $2, credit_note_number = $3 where id = $1',
          [open.id, note.id, note.number],
        );
        return true;
      });
      if (!done) return issued;
      issued += 1;
    }
  }
}
