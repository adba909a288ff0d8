import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export const INVOICE_FORMATS = ['pdf', 'xrechnung', 'factur-x'] as const;
export type InvoiceFormat = (typeof INVOICE_FORMATS)[number];

export class InvoiceFormatQueryDto {
  @ApiPropertyOptional({
    enum: INVOICE_FORMATS,
    default: 'pdf',
    description:
      'pdf: the invoice document; xrechnung: the EN 16931 XRechnung (CII XML) and factur-x: the Factur-X/ZUGFeRD ' +
      'PDF/A-3 with the CII embedded, both issued to business customers only.',
  })
  @IsOptional()
  @IsIn(INVOICE_FORMATS)
  format?: InvoiceFormat;
}
