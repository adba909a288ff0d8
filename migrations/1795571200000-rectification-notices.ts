import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A rectification made in the profile or address book is recorded as a request: its Art. 19 notices hang on it. */
export class RectificationNotices1795571200000 implements MigrationInterface {
  name = 'RectificationNotices1795571200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table privacy_request
        drop constraint privacy_request_type_check,
        add constraint privacy_request_type_check
          check (type in ('access', 'portability', 'erasure', 'restriction', 'objection', 'lift-restriction',
                          'consent-withdrawal', 'rectification'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`delete from privacy_request where type = 'rectification'`);
    await q.query(`
      alter table privacy_request
        drop constraint privacy_request_type_check,
        add constraint privacy_request_type_check
          check (type in ('access', 'portability', 'erasure', 'restriction', 'objection', 'lift-restriction',
                          'consent-withdrawal'))`);
  }
}
