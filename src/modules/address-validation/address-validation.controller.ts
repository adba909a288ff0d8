import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AddressToValidateDto } from './address.dto.js';
import { AddressValidator, type AddressValidation } from './address-validator.js';

@ApiTags('shop: addresses')
@Controller('api/v1/shop/addresses')
export class AddressValidationController {
  constructor(private readonly validator: AddressValidator) {}

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check an address for completeness and correctness; nothing is stored',
    description:
      'Answers { valid, errors[], suggestions[], normalized }. An incomplete address is a 200 with errors, not a 400.',
  })
  @ApiOkResponse({ description: 'The validation result' })
  validate(@Body() address: AddressToValidateDto): AddressValidation {
    return this.validator.validate(address);
  }
}
