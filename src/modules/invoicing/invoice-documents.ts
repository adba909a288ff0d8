import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BlockedRecords, JobQueue, StatutoryPeriods } from '@app/privacy';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import {
  ACCOUNTING_VOUCHERS,
  INVOICE_RECORD,
  IssuedInvoices,
  OrderCreditNotes,
  OrderTransitionHooks,
  type CreditNoteRequest,
  type InvoiceRecord,
  type OrderTransition,
} from '../orders/index.js';
import { SELLER_COUNTRY } from '../vat/index.js';
import {
  creditNoteModel,
  invoiceModel,
  uncredited,
  type Credited,
  type DocumentModel,
  type Seller,
} from './document-model.js';
import { renderEInvoices } from './e-invoice.js';
import { InvoiceArchive, type IssuedDocument } from './invoice-archive.js';
import { INVOICE_ARCHIVE_ACTIVITY_ID, INVOICE_DOCUMENT_RECORD } from './invoicing.declarations.js';
import { renderDocumentPdf } from './invoice-pdf.js';

/** The job that renders and archives the documents of an issued invoice or credit note. */
export const RENDER_JOB = 'invoicing.render-documents';

/** The job that issues the credit notes requested while no issuer was registered. */
export const OPEN_REQUESTS_JOB = 'invoicing.open-credit-note-requests';

/** Which documents to render: an order's invoice, or one of its credit notes. */
export type DocumentRef =
  { kind: 'invoice'; orderId: string } | { kind: 'credit-note'; orderId: string; number: string };

/**
 * Serialises archiving a subject's documents with erasing the subject (the invoicing records erasure takes
 * the same lock): a document stored while an erasure runs is either seen and blocked by it, or
 * stored after it and blocked here.
 */
export async function lockSubject(manager: EntityManager, subjectId: string): Promise<void> {
  await manager.query(`select pg_advisory_xact_lock(hashtext('invoicing:' || $1))`, [subjectId]);
}

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';

/**
 * Issues the documents of invoices and credit notes.
 *
 * The numbers belong to the transaction of the move (paid, cancelled, refunded): the invoice's is
 * the orders module's, the credit note's is drawn here from its own gap-free counter, and both
 * counter rows stay locked until that transaction commits. Rendering takes far longer (about 0.3 s
 * for the PDF, over a second for the e-invoices, measured), so it does not happen under that lock:
 * the move enqueues a render job in its transaction (outbox), and the job renders from the issued,
 * immutable data and archives the documents in one transaction of its own. A download that comes
 * before the job renders on the spot (`ensure`); whichever comes second finds the documents stored
 * (the archive's unique number and format decides) and leaves them as they are.
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
    private readonly jobs: JobQueue,
    private readonly blocked: BlockedRecords,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async register(): Promise<void> {
    // The invoice is issued when the order is paid, or earlier, when an order on invoice or by direct
    // debit is released for fulfilment (`awaiting_payment`, the orders module's hook runs first).
    const render = async (t: OrderTransition) => {
      if (!(await this.invoices.ofOrder(t.orderId, t.manager))) return;
      const ref: DocumentRef = { kind: 'invoice', orderId: t.orderId };
      await this.jobs.send(RENDER_JOB, ref, { db: t.manager, singletonKey: `invoice:${t.orderId}` });
    };
    this.hooks.on('awaiting_payment', render);
    this.hooks.on('paid', render);
    this.creditNotes.register((request, manager) => this.issueCreditNote(request, manager));
    // Requests made before this module was deployed (the orders module's worklist): issued once, by a worker.
    this.jobs.declareQueue(OPEN_REQUESTS_JOB, { retryLimit: 5, retryDelay: 60, retryBackoff: true });
    await this.jobs.work(OPEN_REQUESTS_JOB, async () => {
      await this.creditNotes.issueOpen();
    });

    this.jobs.declareQueue(RENDER_JOB, {
      retryLimit: 20,
      retryDelay: 10,
      retryBackoff: true,
      retryDelayMax: 600,
    });
    await this.jobs.work<DocumentRef>(RENDER_JOB, async (ref) => {
      await this.ensure(ref);
    });
  }

  /** After start (every module's workers known): one run over the worklist, on an instance with workers. */
  async workOffOpenRequests(): Promise<void> {
    if (this.jobs.runsWorkers)
      await this.jobs.send(OPEN_REQUESTS_JOB, {}, { singletonKey: OPEN_REQUESTS_JOB });
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

  private async invoiceOf(orderId: string, manager: EntityManager): Promise<InvoiceRecord> {
    const invoice = await this.invoices.ofOrder(orderId, manager);
    if (!invoice) throw new Error(`order ${orderId} has no invoice`);
    return invoice;
  }

  /**
   * The credit note of a cancelled, refunded or returned order, in its own series RK-<year>-<counter>
   * (consecutive without gaps, like the invoices: the counter row is incremented in this
   * transaction). A request naming lines (a withdrawal) credits those; one naming none credits what
   * earlier credit notes left, the whole invoice if there are none. Nothing left: the last credit
   * note answers. Its amounts are fixed here; its document is rendered by the job this enqueues.
   */
  async issueCreditNote(
    request: CreditNoteRequest,
    manager: EntityManager,
  ): Promise<{ id: string; number: string }> {
    const invoice = await this.invoiceOf(request.orderId, manager);
    const original = invoiceModel(invoice, this.seller());
    // The order's row is locked by the move that asks; earlier credit notes are final.
    const previous: { id: string; number: string; credited: Credited | null }[] = await manager.query(
      'select id, number, credited from credit_note where order_id = $1 order by number',
      [request.orderId],
    );
    let credited: Credited | null;
    if (request.lines || request.shipping) {
      credited = { lines: request.lines ?? [], shipping: request.shipping ?? null };
    } else if (previous.length === 0) {
      credited = null;
    } else {
      const last = previous[previous.length - 1];
      if (previous.some((p) => p.credited === null)) return { id: last.id, number: last.number };
      credited = uncredited(
        original,
        previous.map((p) => p.credited as Credited),
      );
      if (!credited) return { id: last.id, number: last.number };
    }
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
      { number: numbered.number, issuedAt: numbered.issued_at, reason: request.reason },
      credited,
    );
    const [row]: { id: string }[] = await manager.query(
      `insert into credit_note (number, order_id, invoice_number, subject_id, issued_at, reason, credited, currency,
                                subtotal_cents, vat_cents, total_cents)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
      [
        model.number,
        model.orderId,
        invoice.number,
        model.subjectId,
        model.issuedAt,
        request.reason,
        credited ? JSON.stringify(credited) : null,
        model.currency,
        model.netCents,
        model.vatCents,
        model.grossCents,
      ],
    );
    const ref: DocumentRef = { kind: 'credit-note', orderId: request.orderId, number: model.number };
    await this.jobs.send(RENDER_JOB, ref, { db: manager });
    return { id: row.id, number: model.number };
  }

  /** The model of an issued invoice or credit note, from the issued data; null if there is none. */
  private async modelOf(ref: DocumentRef): Promise<{ model: DocumentModel; invoiceId: string } | null> {
    const manager = this.dataSource.manager;
    const invoice = await this.invoices.ofOrder(ref.orderId, manager);
    if (!invoice) return null;
    const model = invoiceModel(invoice, this.seller());
    if (ref.kind === 'invoice') return { model, invoiceId: invoice.id };
    const rows: {
      number: string;
      issued_at: Date;
      reason: string;
      credited: Credited | null;
    }[] = await manager.query(
      'select number, issued_at, reason, credited from credit_note where order_id = $1 and number = $2',
      [ref.orderId, ref.number],
    );
    const credit = rows[0];
    if (!credit) return null;
    return {
      model: creditNoteModel(
        model,
        { number: credit.number, issuedAt: credit.issued_at, reason: credit.reason },
        credit.credited,
      ),
      invoiceId: invoice.id,
    };
  }

  /**
   * Renders and archives the documents of `ref` unless they are archived already: the PDF; for a
   * business customer's invoice or credit note also the e-invoice, as XRechnung (CII XML) and as
   * Factur-X (the PDF as PDF/A-3 with the CII inside). Answers false when there is nothing to render (no such
   * invoice or credit note).
   */
  async ensure(ref: DocumentRef): Promise<boolean> {
    const found = await this.modelOf(ref);
    if (!found) return false;
    const { model, invoiceId } = found;
    const stored: unknown[] = await this.dataSource.query(
      `select 1 from invoice_document where number = $1 and format = 'pdf'`,
      [model.number],
    );
    if (stored.length > 0) return true;
    const pdf = await renderDocumentPdf(model, this.periods.timeZone);
    const document = (format: IssuedDocument['format'], content: Buffer): IssuedDocument => ({
      kind: model.kind,
      number: model.number,
      format,
      orderId: model.orderId,
      subjectId: model.subjectId,
      issuedAt: model.issuedAt,
      content,
    });
    const documents = [document('pdf', pdf)];
    if (model.business) {
      const eInvoices = await renderEInvoices(model, pdf, {
        timeZone: this.periods.timeZone,
        sellerPhone: this.config.SELLER_PHONE || null,
      });
      documents.push(document('xrechnung-cii', eInvoices.xrechnung), document('factur-x', eInvoices.facturX));
    }
    try {
      await this.dataSource.transaction(async (manager) => {
        await lockSubject(manager, model.subjectId);
        const ids: string[] = [];
        for (const d of documents) ids.push((await this.archive.store(d, manager)).id);
        // Rendered after the buyer asked for erasure: blocked like the invoice they render.
        if (await this.blocked.isBlocked(INVOICE_RECORD, invoiceId, manager)) {
          const { statute, until } = this.periods.retain(ACCOUNTING_VOUCHERS, model.issuedAt);
          for (const id of ids) {
            await this.blocked.block(
              {
                recordType: INVOICE_DOCUMENT_RECORD,
                recordId: id,
                subjectId: model.subjectId,
                activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
                eraser: 'invoicing',
                statute,
                blockedUntil: until,
                recordDate: model.issuedAt,
                reason: 'rendered after an erasure request; kept for the statutory period like its invoice',
              },
              manager,
            );
          }
        }
      });
    } catch (error) {
      // Another instance (the job, or a download) archived them first: theirs stand.
      if (!isUniqueViolation(error)) throw error;
    }
    return true;
  }

  /** Renders whatever of the order's documents is not archived yet (its invoice and credit notes). */
  async ensureAll(orderId: string): Promise<void> {
    if (!(await this.ensure({ kind: 'invoice', orderId }))) return;
    const credits: { number: string }[] = await this.dataSource.query(
      'select number from credit_note where order_id = $1 order by number',
      [orderId],
    );
    for (const credit of credits) await this.ensure({ kind: 'credit-note', orderId, number: credit.number });
  }
}
