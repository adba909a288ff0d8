import { Body, Controller, Get, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { clientOf } from './client.js';
import {
  RegisterCustomerDto,
  RegistrationAcceptedDto,
  RegistrationFieldsDto,
} from './dto/register-customer.dto.js';
import { RegistrationService } from './registration.service.js';

@ApiTags('shop: registration')
@Controller('api/v1/shop/customers')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Register a customer account',
    description:
      'Every well-formed request is answered 202 with the same body, whether or not the address already has an ' +
      'account (so the answer reveals nothing about other people); the owner of the address is told by email.',
  })
  @ApiAcceptedResponse({ type: RegistrationAcceptedDto })
  @ApiBadRequestResponse({ description: 'Invalid or unknown fields (problem+json naming each field)' })
  @ApiTooManyRequestsResponse({ description: 'Too many registrations from this client (Retry-After)' })
  register(
    @Body() dto: RegisterCustomerDto,
    @Req() request: FastifyRequest,
  ): Promise<RegistrationAcceptedDto> {
    return this.registration.register(dto, clientOf(request));
  }

  @Get('fields')
  @ApiOperation({
    summary: 'Which registration fields are mandatory, which voluntary, and why each is asked',
  })
  @ApiOkResponse({ type: RegistrationFieldsDto })
  fields(): RegistrationFieldsDto {
    return this.registration.fields();
  }
}
