import type { MigrationInterface, QueryRunner } from 'typeorm';

/** src/modules/partners: a partner may be a doctor's practice that operates the shop's analysis devices. */
export class PartnerPractices1795570000000 implements MigrationInterface {
  name = 'PartnerPractices1795570000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table partner drop constraint partner_kind`);
    await q.query(
      `alter table partner add constraint partner_kind check (kind in ('carrier', 'logistics', 'practice'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table partner drop constraint partner_kind`);
    await q.query(`alter table partner add constraint partner_kind check (kind in ('carrier', 'logistics'))`);
  }
}
