import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditLog, JobQueue, RETENTION_PURPOSE, notBlockedClause } from '@app/privacy';
import { DataSource, type EntityManager } from 'typeorm';
import type { DocumentFormat, DocumentKind } from './invoice-document.entity.js';
import { INVOICE_ARCHIVE_ACTIVITY_ID, INVOICE_DOCUMENT_RECORD } from './invoicing.declarations.js';

/** The job that writes an archived document's hash into the audit chain, after its commit. */
export const SEAL_JOB = 'invoicing.seal-document';

export const MEDIA_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  'xrechnung-cii': 'application/xml',
  'factur-x': 'application/pdf',
};

export interface IssuedDocument {
  kind: DocumentKind;
  number: string;
  format: DocumentFormat;
  orderId: string;
  subjectId: string;
  issuedAt: Date;
  content: Buffer;
}

export interface ArchivedDocument {
  id: string;
  kind: DocumentKind;
  number: string;
  format: DocumentFormat;
  mediaType: string;
  subjectId: string;
  issuedAt: Date;
  content: Buffer;
  sha256: string;
}

/** A document as a listing names it: what to download, not the bytes. */
export interface DocumentListing {
  kind: DocumentKind;
  number: string;
  format: DocumentFormat;
  mediaType: string;
  issuedAt: string;
  sha256: string;
}

interface DocumentRow {
  id: string;
  kind: DocumentKind;
  number: string;
  format: DocumentFormat;
  media_type: string;
  subject_id: string;
  issued_at: Date;
  content: Buffer;
  sha256: string;
}

const toDocument = (r: DocumentRow): ArchivedDocument => ({
  id: r.id,
  kind: r.kind,
  number: r.number,
  format: r.format,
  mediaType: r.media_type,
  subjectId: r.subject_id,
  issuedAt: r.issued_at,
  content: r.content,
  sha256: r.sha256.trim(),
});

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The archive of issued documents (GoBD): each stored once, byte for byte, with its SHA-256, in the
 * transaction that issues it; the table refuses changes. Tamper evidence: a job enqueued in the same
 * transaction writes the hash into the kernel's hash-chained audit log once the document committed
 * (the audit log appends on its own connection, so it cannot join the issuing transaction, and a
 * hash of a document rolled back must not enter the chain). A later change of the bytes or of the
 * stored hash no longer matches the chain.
 *
 * Reads: every purpose but statutory retention sees only documents that are not blocked (an
 * erasure request blocks them for the rest of their period).
 */
@Injectable()
export class InvoiceArchive {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly audit: AuditLog,
  ) {}

  async register(): Promise<void> {
    this.jobs.declareQueue(SEAL_JOB, {
      retryLimit: 20,
      retryDelay: 10,
      retryBackoff: true,
      retryDelayMax: 600,
    });
    await this.jobs.work<{ documentId: string }>(SEAL_JOB, async (job) => {
      await this.seal(job.documentId);
    });
  }

  /** Stores an issued document in `manager`'s transaction and enqueues its seal there. */
  async store(document: IssuedDocument, manager: EntityManager): Promise<{ id: string; sha256: string }> {
    const hash = sha256(document.content);
    const rows: { id: string }[] = await manager.query(
      `insert into invoice_document (kind, number, format, media_type, order_id, subject_id, issued_at, content, sha256)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        document.kind,
        document.number,
        document.format,
        MEDIA_TYPES[document.format],
        document.orderId,
        document.subjectId,
        document.issuedAt,
        document.content,
        hash,
      ],
    );
    const id = rows[0].id;
    await this.jobs.send(SEAL_JOB, { documentId: id }, { db: manager });
    return { id, sha256: hash };
  }

  /**
   * Writes the document's SHA-256 into the audit chain and records where (idempotent: a sealed
   * document is left as is). Refuses a document whose bytes no longer match its stored hash.
   */
  async seal(documentId: string): Promise<{ seq: string; hash: string } | null> {
    const rows: (DocumentRow & { audit_seq: string | null; audit_hash: string | null })[] =
      await this.dataSource.query(
        `select d.*, s.audit_seq::text as audit_seq, s.audit_hash
           from invoice_document d left join invoice_document_seal s on s.document_id = d.id
          where d.id = $1`,
        [documentId],
      );
    const row = rows[0];
    if (!row) return null;
    if (row.audit_seq && row.audit_hash) return { seq: row.audit_seq, hash: row.audit_hash };
    const stored = row.sha256.trim();
    if (sha256(row.content) !== stored)
      throw new Error(`document ${row.number} (${row.format}) does not match its hash`);
    const receipt = await this.audit.append({
      subjectId: row.subject_id,
      activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
      action: 'archive',
      fields: [`document:${row.number}:${row.format}`, `sha256:${stored}`],
      actor: { type: 'system', id: `job:${SEAL_JOB}` },
    });
    await this.dataSource.query(
      `insert into invoice_document_seal (document_id, audit_seq, audit_hash) values ($1, $2, $3)
       on conflict (document_id) do nothing`,
      [documentId, receipt.seq, receipt.hash],
    );
    return receipt;
  }

  /**
   * The document of an order, for `purpose`: blocked documents only for statutory retention.
   * `number` picks one credit note among several; an invoice has one number per order.
   */
  async find(
    query: { orderId: string; kind: DocumentKind; format: DocumentFormat; number?: string },
    purpose: string,
  ): Promise<ArchivedDocument | null> {
    const visible =
      purpose === RETENTION_PURPOSE ? 'true' : notBlockedClause(INVOICE_DOCUMENT_RECORD, 'd.id');
    const rows: DocumentRow[] = await this.dataSource.query(
      `select d.* from invoice_document d
        where d.order_id = $1 and d.kind = $2 and d.format = $3 and ($4::text is null or d.number = $4)
          and ${visible}
        order by d.issued_at desc limit 1`,
      [query.orderId, query.kind, query.format, query.number ?? null],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }

  /** The documents of an order (without their bytes), oldest first, for `purpose`. */
  async listed(orderId: string, purpose: string): Promise<DocumentListing[]> {
    const visible =
      purpose === RETENTION_PURPOSE ? 'true' : notBlockedClause(INVOICE_DOCUMENT_RECORD, 'd.id');
    const rows: Omit<DocumentRow, 'content'>[] = await this.dataSource.query(
      `select d.id, d.kind, d.number, d.format, d.media_type, d.subject_id, d.issued_at, d.sha256
         from invoice_document d where d.order_id = $1 and ${visible}
        order by d.issued_at, d.number, d.format`,
      [orderId],
    );
    return rows.map((r) => ({
      kind: r.kind,
      number: r.number,
      format: r.format,
      mediaType: r.media_type,
      issuedAt: r.issued_at.toISOString(),
      sha256: r.sha256.trim(),
    }));
  }

  /** A document by its number, for `purpose` (the tax audit reads by number). */
  async byNumber(number: string, format: DocumentFormat, purpose: string): Promise<ArchivedDocument | null> {
    const visible =
      purpose === RETENTION_PURPOSE ? 'true' : notBlockedClause(INVOICE_DOCUMENT_RECORD, 'd.id');
    const rows: DocumentRow[] = await this.dataSource.query(
      `select d.* from invoice_document d where d.number = $1 and d.format = $2 and ${visible}`,
      [number, format],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }
}
