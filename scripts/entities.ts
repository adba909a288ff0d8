import { DataSource } from 'typeorm';
import { NestFactory } from '@nestjs/core';
import { validateConfig } from '../src/config/app-config.js';
import { AppModule } from '../src/app.module.js';

/** Every entity the application registers, found by booting its module graph without listening. */
export async function entities(url: string): Promise<DataSource['options']['entities']> {
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false', LOG_LEVEL: 'warn' });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: url }), {
    logger: false,
  });
  try {
    return app.get(DataSource).options.entities;
  } finally {
    await app.close();
  }
}
