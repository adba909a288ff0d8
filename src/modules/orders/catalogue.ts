import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { conflict, notFound, ValidationProblem } from '../../common/problem/problem.js';
import type {
  AdminProductResponse,
  CreateProductDto,
  ShopProductResponse,
  UpdateProductDto,
} from './product.dto.js';
import { isUuid } from './order-reader.js';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  vat_rate_bp: number;
  weight_grams: number | null;
  tracks_serials: boolean;
  stock: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

const COLUMNS =
  'id, sku, name, description, price_cents, currency, vat_rate_bp, weight_grams, tracks_serials, stock, active, created_at, updated_at';

const shopProduct = (r: ProductRow): ShopProductResponse => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  description: r.description,
  priceCents: r.price_cents,
  currency: r.currency.trim(),
  vatRateBp: r.vat_rate_bp,
  weightGrams: r.weight_grams,
  inStock: r.stock > 0,
});

const adminProduct = (r: ProductRow): AdminProductResponse => ({
  ...shopProduct(r),
  tracksSerials: r.tracks_serials,
  stock: r.stock,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const driverError = (error: unknown): { code?: string; constraint?: string } | undefined =>
  (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError;

/**
 * The catalogue: the shop's page of active products, and the admin's management of them. Products
 * are never deleted once ordered (order lines point at them); they are deactivated instead.
 */
@Injectable()
export class Catalogue {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async shopPage(page = 1, pageSize = 20): Promise<Page<ShopProductResponse>> {
    const { rows, total } = await this.page('where active', page, pageSize);
    return { items: rows.map(shopProduct), page, pageSize, total };
  }

  async adminPage(page = 1, pageSize = 20): Promise<Page<AdminProductResponse>> {
    const { rows, total } = await this.page('', page, pageSize);
    return { items: rows.map(adminProduct), page, pageSize, total };
  }

  async get(id: string): Promise<AdminProductResponse> {
    if (!isUuid(id)) throw notFound('The product');
    const rows: ProductRow[] = await this.dataSource.query(`select ${COLUMNS} from product where id = $1`, [
      id,
    ]);
    if (!rows[0]) throw notFound('The product');
    return adminProduct(rows[0]);
  }

  async create(dto: CreateProductDto): Promise<AdminProductResponse> {
    try {
      const rows: ProductRow[] = await this.dataSource.query(
        `insert into product (sku, name, description, price_cents, currency, vat_rate_bp, stock, active, weight_grams,
                              tracks_serials)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning ${COLUMNS}`,
        [
          dto.sku,
          dto.name,
          dto.description ?? '',
          dto.priceCents,
          dto.currency ?? 'EUR',
          dto.vatRateBp,
          dto.stock,
          dto.active ?? true,
          dto.weightGrams ?? null,
          dto.tracksSerials ?? false,
        ],
      );
      return adminProduct(rows[0]);
    } catch (error) {
      if (driverError(error)?.constraint === 'product_sku_unique') {
        throw conflict('sku-taken', `A product with SKU ${dto.sku} exists already.`);
      }
      throw error;
    }
  }

  /** Changes only what is sent; a stock adjustment is applied atomically against the current stock. */
  async update(id: string, dto: UpdateProductDto): Promise<AdminProductResponse> {
    if (dto.stock !== undefined && dto.stockAdjustment !== undefined) {
      throw new ValidationProblem([
        { field: 'stockAdjustment', reason: 'must not be sent together with stock: send one of them' },
      ]);
    }
    if (!isUuid(id)) throw notFound('The product');
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, expression = (p: string) => p): void => {
      params.push(value);
      sets.push(`${column} = ${expression(`$${params.length}`)}`);
    };
    if (dto.name !== undefined) set('name', dto.name);
    if (dto.description !== undefined) set('description', dto.description);
    if (dto.priceCents !== undefined) set('price_cents', dto.priceCents);
    if (dto.vatRateBp !== undefined) set('vat_rate_bp', dto.vatRateBp);
    if (dto.weightGrams !== undefined) set('weight_grams', dto.weightGrams);
    if (dto.tracksSerials !== undefined) set('tracks_serials', dto.tracksSerials);
    if (dto.stock !== undefined) set('stock', dto.stock);
    if (dto.stockAdjustment !== undefined) set('stock', dto.stockAdjustment, (p) => `stock + ${p}::int`);
    if (dto.active !== undefined) set('active', dto.active);
    if (sets.length === 0) return this.get(id);
    try {
      const [rows] = await this.dataSource.query<[ProductRow[], number]>(
        `update product set ${sets.join(', ')}, updated_at = now() where id = $1 returning ${COLUMNS}`,
        params,
      );
      if (!rows[0]) throw notFound('The product');
      return adminProduct(rows[0]);
    } catch (error) {
      if (driverError(error)?.constraint === 'product_stock_not_negative') {
        throw conflict(
          'stock-below-zero',
          'The adjustment would take the stock below 0; nothing was changed.',
        );
      }
      throw error;
    }
  }

  /** Deletes a product that was never ordered; an ordered one must be deactivated instead (409). */
  async remove(id: string): Promise<void> {
    if (!isUuid(id)) throw notFound('The product');
    try {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        'delete from product where id = $1',
        [id],
      );
      if (deleted === 0) throw notFound('The product');
    } catch (error) {
      if (driverError(error)?.code === '23503') {
        throw conflict(
          'product-ordered',
          'The product appears in orders; deactivate it (active: false) instead.',
        );
      }
      throw error;
    }
  }

  private async page(
    where: string,
    page: number,
    pageSize: number,
  ): Promise<{ rows: ProductRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.dataSource.query<ProductRow[]>(
        `select ${COLUMNS} from product ${where} order by name, id limit $1 offset $2`,
        [pageSize, (page - 1) * pageSize],
      ),
      this.dataSource.query<{ total: number }[]>(`select count(*)::int as total from product ${where}`),
    ]);
    return { rows, total: count[0].total };
  }
}
