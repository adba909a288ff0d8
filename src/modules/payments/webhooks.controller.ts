import { Controller, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PaymentWebhooks, type WebhookAnswer } from './payment-webhooks.js';
import { WebhookAnswerDto } from './payments.dto.js';
import { webhookSignatureInvalid } from './payments.problems.js';

/**
 * The providers' webhooks. The signature covers the exact bytes sent, so the handler reads the raw
 * body (NestFactory `rawBody: true`), never the parsed JSON.
 */
@ApiTags('provider webhooks')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: PaymentWebhooks) {}

  @Post('stripe')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe events (Stripe-Signature header, HMAC-SHA256 over the raw body)',
    description:
      'A bad signature is a 400 and changes nothing; an event already received is answered 200 and not applied again.',
  })
  @ApiOkResponse({ type: WebhookAnswerDto })
  @ApiBadRequestResponse({ description: 'The signature does not verify.' })
  stripe(@Req() request: RawBodyRequest<FastifyRequest>): Promise<WebhookAnswer> {
    return this.webhooks.receive('stripe', { headers: request.headers, rawBody: rawBodyOf(request) });
  }

  @Post('paypal')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'PayPal events (PAYPAL-TRANSMISSION-* headers, SHA256withRSA over id|time|webhookId|crc32(body))',
    description:
      'A bad signature is a 400 and changes nothing; an event already received is answered 200 and not applied again.',
  })
  @ApiOkResponse({ type: WebhookAnswerDto })
  @ApiBadRequestResponse({ description: 'The signature does not verify.' })
  paypal(@Req() request: RawBodyRequest<FastifyRequest>): Promise<WebhookAnswer> {
    return this.webhooks.receive('paypal', { headers: request.headers, rawBody: rawBodyOf(request) });
  }
}

function rawBodyOf(request: RawBodyRequest<FastifyRequest>): Buffer {
  // Without a JSON body there is nothing signed to verify.
  if (!Buffer.isBuffer(request.rawBody)) throw webhookSignatureInvalid();
  return request.rawBody;
}
