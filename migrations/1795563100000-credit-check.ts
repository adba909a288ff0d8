import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of src/modules/credit-check: the agency's answers and the human reviews of declined checks.
 * No name, address or date of birth is stored here; each row carries its own erasure date.
 */
export class CreditCheck1795563100000 implements MigrationInterface {
  name = 'CreditCheck1795563100000';

  async up(q: QueryRunner): Promise<void> {
    // order_id has no foreign key: the orders module owns shop_order and its lifetime (orders are kept
    // for years under commercial law, credit checks 90 days at most).
    await q.query(`
      create table credit_check (
        id uuid primary key,
        order_id text not null check (btrim(order_id) <> ''),
        subject_id text not null check (btrim(subject_id) <> ''),
        payment_method text not null check (payment_method in ('sepa_debit', 'invoice')),
        total_cents integer not null check (total_cents >= 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        agency text not null,
        agency_reference text,
        outcome text not null check (outcome in ('answered', 'agency-unavailable', 'date-of-birth-required')),
        result text check (result in ('green', 'yellow', 'red')),
        score double precision,
        date_of_birth_sent boolean not null default false,
        requested_at timestamptz not null,
        answered_at timestamptz,
        status text not null check (status in
          ('approved', 'declined', 'review-requested', 'reviewed-approved', 'reviewed-declined')),
        explanation text not null,
        delete_after timestamptz not null,
        check ((outcome = 'answered') = (result is not null)),
        check (score is null or result is not null),
        check (delete_after > requested_at)
      )`);
    // The latest check of an order decides whether it may be reused.
    await q.query(`create index credit_check_order on credit_check (order_id, requested_at desc)`);
    await q.query(`create index credit_check_subject on credit_check (subject_id)`);
    // The retention sweep looks for rows past their erasure date.
    await q.query(`create index credit_check_delete_after on credit_check (delete_after)`);

    await q.query(`
      create table credit_review (
        id uuid primary key default gen_random_uuid(),
        check_id uuid not null unique references credit_check (id) on delete cascade,
        requested_at timestamptz not null,
        requested_by text not null check (btrim(requested_by) <> ''),
        comment text check (char_length(comment) <= 2000),
        reviewer_id text,
        reviewer_role text,
        decided_at timestamptz,
        decision text check (decision in ('approved', 'declined')),
        reason text,
        check ((decided_at is null) = (decision is null)),
        check ((decision is null) = (reason is null)),
        check ((decision is null) = (reviewer_id is null)),
        check (reason is null or char_length(btrim(reason)) >= 20)
      )`);
    // Staff work the open reviews oldest first.
    await q.query(`create index credit_review_open on credit_review (requested_at) where decided_at is null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table credit_review`);
    await q.query(`drop table credit_check`);
  }
}
