import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invoicing module (src/modules/invoicing): the documents as issued (the PDF of an invoice or credit
 * note, the XRechnung XML and the Factur-X PDF of an e-invoice), byte for byte with their SHA-256,
 * and the credit notes with their own gap-free series.
 *
 * GoBD: an issued document never changes. A trigger refuses every UPDATE; deleting is the retention
 * sweep's, at the end of the statutory period. The seal row records where the document's hash went
 * into the kernel's audit chain (written after the commit, by a job).
 */
export class InvoiceDocuments1795573000000 implements MigrationInterface {
  name = 'InvoiceDocuments1795573000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table credit_note_number_counter (
        year integer primary key,
        last integer not null check (last > 0)
      )`);
    await q.query(`
      create table credit_note (
        id uuid primary key default gen_random_uuid(),
        number text not null unique,
        order_id uuid not null,
        invoice_number text not null,
        subject_id text not null,
        issued_at timestamptz not null,
        reason text not null,
        currency char(3) not null,
        subtotal_cents integer not null check (subtotal_cents <= 0),
        vat_cents integer not null check (vat_cents <= 0),
        total_cents integer not null,
        constraint credit_note_totals check (total_cents = subtotal_cents + vat_cents)
      )`);
    await q.query(`create index credit_note_order on credit_note (order_id)`);
    await q.query(`create index credit_note_subject on credit_note (subject_id)`);
    await q.query(`
      create table invoice_document (
        id uuid primary key default gen_random_uuid(),
        kind text not null check (kind in ('invoice', 'credit-note')),
        number text not null,
        format text not null check (format in ('pdf', 'xrechnung-cii', 'factur-x')),
        media_type text not null,
        order_id uuid not null,
        subject_id text not null,
        issued_at timestamptz not null,
        content bytea not null,
        sha256 char(64) not null,
        constraint invoice_document_number_format unique (number, format)
      )`);
    await q.query(`create index invoice_document_order on invoice_document (order_id)`);
    await q.query(`create index invoice_document_subject on invoice_document (subject_id)`);
    await q.query(`
      create function invoice_document_immutable() returns trigger language plpgsql as $$
      begin
        raise exception '% % is archived as issued and never changes', tg_table_name, old.number
          using errcode = 'integrity_constraint_violation';
      end $$`);
    for (const table of ['invoice_document', 'credit_note']) {
      await q.query(`
        create trigger ${table}_immutable before update on ${table}
          for each row execute function invoice_document_immutable()`);
    }
    await q.query(`
      create table invoice_document_seal (
        document_id uuid primary key references invoice_document (id) on delete cascade,
        audit_seq bigint not null,
        audit_hash text not null,
        sealed_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table invoice_document_seal`);
    await q.query(`drop table invoice_document`);
    await q.query(`drop table credit_note`);
    await q.query(`drop function invoice_document_immutable()`);
    await q.query(`drop table credit_note_number_counter`);
  }
}
