import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ShippingRates, type ShippingMethodView } from './shipping-rates.js';

@ApiTags('shop: shipping')
@Controller('api/v1/shop/shipping-methods')
export class ShippingController {
  constructor(private readonly rates: ShippingRates) {}

  @Get()
  @ApiOperation({
    summary: 'The shipping methods, with their zones and weight bands (gross prices, free above a threshold)',
  })
  @ApiOkResponse({ description: 'The active shipping methods.' })
  async list(): Promise<{ methods: ShippingMethodView[] }> {
    return { methods: await this.rates.methods() };
  }
}
