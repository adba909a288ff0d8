import { Global, Module } from '@nestjs/common';
import { UnitOfWork } from './unit-of-work.js';

/** Makes the UnitOfWork injectable everywhere; needs TypeORM's data source (TypeOrmModule.forRoot). */
@Global()
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class UnitOfWorkModule {}
