import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { upsertDemoCatalogue } from './demo-catalogue.js';

/**
 * On the embedded default (no DATABASE_URL, NODE_ENV development, migrations run at start), seeds
 * the demo catalogue when the product table is empty, so `npm start` shows a shop with something in
 * it. Never against a configured database: there the operator runs `npm run seed` on purpose.
 */
@Injectable()
export class CatalogueSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogueSeeder.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { DATABASE_URL, NODE_ENV, MIGRATIONS_RUN } = this.config;
    if (DATABASE_URL !== undefined || NODE_ENV !== 'development' || !MIGRATIONS_RUN) return;
    await this.dataSource.transaction(async (manager) => {
      // Several instances may start at once: one seeds, the others find the table filled.
      await manager.query('lock table product in share row exclusive mode');
      const [{ empty }] = await manager.query<{ empty: boolean }[]>(
        'select not exists (select 1 from product) as empty',
      );
      if (!empty) return;
      const { inserted } = await upsertDemoCatalogue(manager, { resetStock: false });
      this.logger.log(`seeded the demo catalogue (${inserted} products) on the embedded database`);
    });
  }
}
