import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditLog, RETENTION_PURPOSE } from '@app/privacy';
import type { FastifyReply } from 'fastify';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { unauthorized, type TokenClaims } from '../../common/auth/token.service.js';
import { notFound } from '../../common/problem/problem.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import {
  OptionalCustomerAuthGuard,
  OptionalCustomerId,
  OrderReader,
  OrderSecrets,
  type OrderView,
} from '../orders/index.js';
import type { DocumentFormat, DocumentKind } from './invoice-document.entity.js';
import { InvoiceArchive, type ArchivedDocument, type DocumentListing } from './invoice-archive.js';
import { InvoiceDocuments } from './invoice-documents.js';
import { INVOICE_ARCHIVE_ACTIVITY_ID } from './invoicing.declarations.js';
import { InvoiceFormatQueryDto, type InvoiceFormat } from './invoicing.dto.js';

const STORED_FORMAT: Record<InvoiceFormat, DocumentFormat> = {
  pdf: 'pdf',
  xrechnung: 'xrechnung-cii',
  'factur-x': 'factur-x',
};

const EXTENSION: Record<DocumentFormat, string> = {
  pdf: 'pdf',
  'xrechnung-cii': 'xml',
  'factur-x': 'pdf',
};

/** Sends the archived bytes unchanged, named by number (no personal data in the file name). */
function send(reply: FastifyReply, document: ArchivedDocument): Buffer {
  const suffix = document.format === 'factur-x' ? '-facturx' : '';
  void reply
    .header('content-type', document.mediaType)
    .header(
      'content-disposition',
      `attachment; filename="${document.number}${suffix}.${EXTENSION[document.format]}"`,
    )
    .header('cache-control', 'no-store')
    .header('x-content-sha256', document.sha256);
  return document.content;
}

/**
 * The archived document, rendered on the spot if its render job has not run yet (right after the
 * payment): the buyer never waits for a worker.
 */
async function archived(
  archive: InvoiceArchive,
  documents: InvoiceDocuments,
  query: { orderId: string; kind: DocumentKind; format: DocumentFormat; number?: string },
): Promise<ArchivedDocument | null> {
  const found = await archive.find(query, INVOICE_ARCHIVE_ACTIVITY_ID);
  if (found) return found;
  const rendered = await documents.ensure(
    query.kind === 'invoice'
      ? { kind: 'invoice', orderId: query.orderId }
      : { kind: 'credit-note', orderId: query.orderId, number: query.number ?? '' },
  );
  return rendered ? archive.find(query, INVOICE_ARCHIVE_ACTIVITY_ID) : null;
}

/** The buyer's downloads: their own order (signed in) or a guest order (X-Order-Token). */
@ApiTags('shop: orders')
@Controller('api/v1/shop/orders')
@UseGuards(OptionalCustomerAuthGuard)
export class ShopInvoicesController {
  constructor(
    private readonly reader: OrderReader,
    private readonly secrets: OrderSecrets,
    private readonly archive: InvoiceArchive,
    private readonly issuer: InvoiceDocuments,
  ) {}

  private async order(
    id: string,
    customerId: string | undefined,
    orderToken: string | undefined,
  ): Promise<OrderView> {
    let order: OrderView | null;
    if (customerId) {
      order = await this.reader.forCustomer(id, customerId);
    } else if (orderToken) {
      const granted = await this.secrets.verifyAccessToken(orderToken);
      order = granted === id.toLowerCase() ? await this.reader.forGuest(granted) : null;
    } else {
      throw unauthorized('Sign in, or send the X-Order-Token you received when you placed the order.');
    }
    if (!order) throw notFound('The order');
    return order;
  }

  @Get(':id/documents')
  @ApiBearerAuth()
  @ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: 'A guest: the accessToken from checkout.',
  })
  @ApiOperation({
    summary:
      "Your order's invoice and credit notes: number, kind, format, date and SHA-256 of each (no bytes)",
  })
  async documents(
    @Param('id') id: string,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('x-order-token') orderToken: string | undefined,
  ): Promise<{ documents: DocumentListing[] }> {
    const order = await this.order(id, customerId, orderToken);
    await this.issuer.ensureAll(order.id);
    return { documents: await this.archive.listed(order.id, INVOICE_ARCHIVE_ACTIVITY_ID) };
  }

  @Get(':id/invoice')
  @ApiBearerAuth()
  @ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: 'A guest: the accessToken from checkout.',
  })
  @ApiOperation({
    summary: 'The invoice of your paid order, as issued (PDF; XRechnung or Factur-X for business customers)',
    description: "404 for someone else's order, an unpaid order, and a format not issued for this order.",
  })
  @ApiProduces('application/pdf', 'application/xml')
  @ApiOkResponse({ description: 'The document, byte for byte as archived; X-Content-SHA256 is its hash.' })
  async invoice(
    @Param('id') id: string,
    @Query() query: InvoiceFormatQueryDto,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('x-order-token') orderToken: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const order = await this.order(id, customerId, orderToken);
    return this.download(reply, order.id, 'invoice', STORED_FORMAT[query.format ?? 'pdf']);
  }

  @Get(':id/credit-notes/:number')
  @ApiBearerAuth()
  @ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: 'A guest: the accessToken from checkout.',
  })
  @ApiOperation({
    summary: 'A credit note (Rechnungskorrektur) of your cancelled or refunded order, as issued (PDF)',
  })
  @ApiProduces('application/pdf')
  async creditNote(
    @Param('id') id: string,
    @Param('number') number: string,
    @Query() query: InvoiceFormatQueryDto,
    @OptionalCustomerId() customerId: string | undefined,
    @Headers('x-order-token') orderToken: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const order = await this.order(id, customerId, orderToken);
    return this.download(reply, order.id, 'credit-note', STORED_FORMAT[query.format ?? 'pdf'], number);
  }

  private async download(
    reply: FastifyReply,
    orderId: string,
    kind: DocumentKind,
    format: DocumentFormat,
    number?: string,
  ): Promise<Buffer> {
    const document = await archived(this.archive, this.issuer, { orderId, kind, format, number });
    if (!document) throw notFound(kind === 'invoice' ? 'The invoice' : 'The credit note');
    return send(reply, document);
  }
}

/**
 * Staff downloads, audited (the document holds the buyer's name and address). Support and admin
 * read the documents of orders that are not blocked; once the buyer asked for erasure, the
 * documents are blocked and only the archive route reads them, for statutory retention (a tax
 * audit), admin only.
 */
@ApiTags('admin: invoices')
@ApiBearerAuth()
@Controller('api/v1/admin')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class StaffInvoicesController {
  constructor(
    private readonly reader: OrderReader,
    private readonly archive: InvoiceArchive,
    private readonly issuer: InvoiceDocuments,
    private readonly audit: AuditLog,
  ) {}

  @Get('orders/:id/documents')
  @StaffRoles('support', 'admin')
  @ApiOperation({ summary: "An order's invoice and credit notes (number, kind, format, date, SHA-256)" })
  async documents(@Param('id') id: string): Promise<{ documents: DocumentListing[] }> {
    const [order] = await this.reader.views([id]);
    if (!order) throw notFound('The order');
    await this.issuer.ensureAll(order.id);
    return { documents: await this.archive.listed(order.id, INVOICE_ARCHIVE_ACTIVITY_ID) };
  }

  @Get('orders/:id/invoice')
  @StaffRoles('support', 'admin')
  @ApiOperation({
    summary: "An order's invoice as issued (format as for the buyer); 404 for a blocked order",
  })
  @ApiProduces('application/pdf', 'application/xml')
  async invoice(
    @Param('id') id: string,
    @Query() query: InvoiceFormatQueryDto,
    @Principal() principal: TokenClaims,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return this.staffRead(reply, principal, id, 'invoice', STORED_FORMAT[query.format ?? 'pdf']);
  }

  @Get('orders/:id/credit-notes/:number')
  @StaffRoles('support', 'admin')
  @ApiOperation({ summary: "One of an order's credit notes as issued" })
  @ApiProduces('application/pdf')
  async creditNote(
    @Param('id') id: string,
    @Param('number') number: string,
    @Query() query: InvoiceFormatQueryDto,
    @Principal() principal: TokenClaims,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return this.staffRead(reply, principal, id, 'credit-note', STORED_FORMAT[query.format ?? 'pdf'], number);
  }

  @Get('invoice-archive/:number')
  @StaffRoles('admin')
  @ApiOperation({
    summary:
      'An archived document by number, for statutory retention only (tax audit), blocked ones included',
    description: 'Every read is written to the audit log with the purpose statutory-retention.',
  })
  @ApiProduces('application/pdf', 'application/xml')
  async archived(
    @Param('number') number: string,
    @Query() query: InvoiceFormatQueryDto,
    @Principal() principal: TokenClaims,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const document = await this.archive.byNumber(
      number,
      STORED_FORMAT[query.format ?? 'pdf'],
      RETENTION_PURPOSE,
    );
    if (!document) throw notFound('The document');
    await this.audited(principal, document, `read:${RETENTION_PURPOSE}`);
    return send(reply, document);
  }

  private async staffRead(
    reply: FastifyReply,
    principal: TokenClaims,
    orderId: string,
    kind: DocumentKind,
    format: DocumentFormat,
    number?: string,
  ): Promise<Buffer> {
    // The order must be visible to staff (not blocked): the same answer as the order routes give.
    const [order] = await this.reader.views([orderId]);
    if (!order) throw notFound('The order');
    const document = await archived(this.archive, this.issuer, { orderId: order.id, kind, format, number });
    if (!document) throw notFound(kind === 'invoice' ? 'The invoice' : 'The credit note');
    await this.audited(principal, document, 'read');
    return send(reply, document);
  }

  private async audited(principal: TokenClaims, document: ArchivedDocument, action: string): Promise<void> {
    await this.audit.append({
      subjectId: document.subjectId,
      activityId: INVOICE_ARCHIVE_ACTIVITY_ID,
      action,
      fields: [`document:${document.number}:${document.format}`],
      actor: { type: 'staff', id: principal.sub, ...(principal.role ? { role: principal.role } : {}) },
    });
  }
}
