import { Global, Module } from '@nestjs/common';
import { CustomerAuthGuard, StaffAuthGuard } from './auth.guards.js';
import { TokenService } from './token.service.js';

/** Token signing and the request guards, available to every module. */
@Global()
@Module({
  providers: [TokenService, CustomerAuthGuard, StaffAuthGuard],
  exports: [TokenService, CustomerAuthGuard, StaffAuthGuard],
})
export class AuthModule {}
