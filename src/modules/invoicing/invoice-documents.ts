import { Injectable } from '@nestjs/common';
import { StatutoryPeriods } from '@app/privacy';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import {
  IssuedInvoices,
  OrderCreditNotes,
  OrderTransitionHooks,
  type CreditNoteRequest,
  type InvoiceRecord,
  type OrderTransition,
} from '../orders/index.js';
import { SELLER_COUNTRY } from '../vat/index.js';
import { creditNoteModel, invoiceModel, type DocumentModel, type Seller } from './document-model.js';
import { InvoiceArchive } from './invoice-archive.js';
import { renderDocumentPdf } from './invoice-pdf.js';

/**
 * Issues the documents: the invoice's when its order is paid (the orders module has just issued the
 * invoice and its number in the same transaction), a credit note's when a paid order is cancelled or
 * refunded (through the orders module's OrderCreditNotes port). Everything happens inside the
 * transaction of the move: the document exists exactly when the move committed, and a failure to
 * render rolls the move back rather than leave an invoice without its document.
 */
@Injectable()
export class InvoiceDocuments {
  constructor(
    private readonly config: AppConfig,
    private readonly periods: StatutoryPeriods,
    private readonly invoices: IssuedInvoices,
    private readonly archive: InvoiceArchive,
    private readonly hooks: OrderTransitionHooks,
    private readonly creditNotes: OrderCreditNotes,
  ) {}

  register(): void {
    this.hooks.on('paid', async (t) => {
      if (!(await this.hasInvoiceDocument(t))) await this.issueInvoice(t);
    });
    // An order on invoice or SEPA is invoiced when it is released (awaiting_payment after its credit
    // check, orders' invoice-orders.ts), before it is paid: its document is issued then, once.
    this.hooks.on('awaiting_payment', async (t) => {
      if ((await this.invoices.ofOrder(t.orderId, t.manager)) && !(await this.hasInvoiceDocument(t)))
        await this.issueInvoice(t);
    });
    this.creditNotes.register((request, manager) => this.issueCreditNote(request, manager));
  }

  seller(): Seller {
    const c = this.config;
    return {
      name: c.SELLER_NAME,
      street: c.SELLER_STREET,
      postalCode: c.SELLER_POSTAL_CODE,
      city: c.SELLER_CITY,
      country: SELLER_COUNTRY,
      vatId: c.SELLER_VAT_ID,
      taxNumber: c.SELLER_TAX_NUMBER || null,
      email: c.SELLER_EMAIL,
      iban: c.SELLER_IBAN || null,
    };
  }

  private async hasInvoiceDocument(t: Pick<OrderTransition, 'orderId' | 'manager'>): Promise<boolean> {
    const rows: unknown[] = await t.manager.query(
      `select 1 from invoice_document where order_id = $1 and kind = 'invoice' limit 1`,
      [t.orderId],
    );
    return rows.length > 0;
  }

  private async invoiceOf(orderId: string, manager: EntityManager): Promise<InvoiceRecord> {
    const invoice = await this.invoices.ofOrder(orderId, manager);
    if (!invoice) throw new Error(`order ${orderId} has no invoice`);
    return invoice;
  }

  async issueInvoice(t: Pick<OrderTransition, 'orderId' | 'manager'>): Promise<DocumentModel> {
    const invoice = await this.invoiceOf(t.orderId, t.manager);
    const model = invoiceModel(invoice, this.seller());
    await this.store(model, t.manager);
    return model;
  }

  /**
   * The credit note of a cancelled or refunded order, in its own series RK-<year>-<counter>
   * (consecutive without gaps, like the invoices: the counter row is incremented in this
   * transaction). One full reversal per order: a second request answers the first credit note.
   */
  async issueCreditNote(
    request: CreditNoteRequest,
    manager: EntityManager,
  ): Promise<{ id: string; number: string }> {
    const invoice = await this.invoiceOf(request.orderId, manager);
    if (!request.lines) {
      const existing: { id: string; number: string }[] = await manager.query(
        `select id, number from credit_note where order_id = $1 and total_cents = $2 limit 1`,
        [request.orderId, -invoice.totalCents],
      );
      if (existing[0]) return existing[0];
    }
    const original = invoiceModel(invoice, this.seller());
    // The number first (the model needs it); its amounts are the model's, written in the same statement.
    const [numbered]: { number: string; issued_at: Date }[] = await manager.query(
      `with issued as (select now() as at, extract(year from now() at time zone $1)::int as year)
       insert into credit_note_number_counter as c (year, last)
       select year, 1 from issued
       on conflict (year) do update set last = c.last + 1
       returning 'RK-' || year || '-' || lpad(last::text, greatest(6, length(last::text)), '0') as number,
                 (select at from issued) as issued_at`,
      [this.periods.timeZone],
    );
    const model = creditNoteModel(
      original,
      {
        number: numbered.number,
        issuedAt: numbered.issued_at,
        reason: request.reason,
        pricesIncludeVat: invoice.charges.pricesIncludeVat,
      },
      request.lines,
    );
    const [row]: { id: string }[] = await manager.query(
      `insert into credit_note (number, order_id, invoice_number, subject_id, issued_at, reason, currency,
                                subtotal_cents, vat_cents, total_cents)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        model.number,
        model.orderId,
        invoice.number,
        model.subjectId,
        model.issuedAt,
        request.reason,
        model.currency,
        model.netCents,
        model.vatCents,
        model.grossCents,
      ],
    );
    await this.store(model, manager);
    return { id: row.id, number: model.number };
  }

  /** Renders and archives the document(s) of `model`. */
  private async store(model: DocumentModel, manager: EntityManager): Promise<void> {
    const pdf = await renderDocumentPdf(model, this.periods.timeZone);
    await this.archive.store(
      {
        kind: model.kind,
        number: model.number,
        format: 'pdf',
        orderId: model.orderId,
        subjectId: model.subjectId,
        issuedAt: model.issuedAt,
        content: pdf,
      },
      manager,
    );
  }
}
