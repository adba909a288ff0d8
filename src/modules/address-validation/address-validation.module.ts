import { Module } from '@nestjs/common';
import { PrivacyModule } from '@app/privacy';
import { AddressValidationController } from './address-validation.controller.js';
import { ADDRESS_VALIDATION } from './address-validation.declarations.js';
import { AddressValidator } from './address-validator.js';

/** Address checks for the storefront and, through AddressValidator, for registration and checkout. */
@Module({
  imports: [PrivacyModule.forFeature({ activities: [ADDRESS_VALIDATION] })],
  controllers: [AddressValidationController],
  providers: [AddressValidator],
  exports: [AddressValidator],
})
export class AddressValidationModule {}
