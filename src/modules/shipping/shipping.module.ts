import { Module } from '@nestjs/common';
import { ShippingController } from './shipping.controller.js';
import { ShippingRates } from './shipping-rates.js';

/** Shipping methods per carrier, priced by zone and weight. No personal data. */
@Module({
  controllers: [ShippingController],
  providers: [ShippingRates],
  exports: [ShippingRates],
})
export class ShippingModule {}
