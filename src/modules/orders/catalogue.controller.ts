import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { Catalogue } from './catalogue.js';
import {
  AdminProductPage,
  AdminProductResponse,
  CataloguePageQuery,
  CreateProductDto,
  ShopProductPage,
  UpdateProductDto,
} from './product.dto.js';

@ApiTags('shop: catalogue')
@Controller('api/v1/shop/products')
export class CatalogueController {
  constructor(private readonly catalogue: Catalogue) {}

  @Get()
  @ApiOperation({ summary: 'The products on sale, by name, a page at a time (pageSize at most 100)' })
  @ApiOkResponse({ type: ShopProductPage })
  list(@Query() query: CataloguePageQuery): Promise<ShopProductPage> {
    return this.catalogue.shopPage(query.page, query.pageSize);
  }
}

@ApiTags('admin: catalogue')
@ApiBearerAuth()
@Controller('api/v1/admin/products')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('admin')
export class CatalogueAdminController {
  constructor(private readonly catalogue: Catalogue) {}

  @Get()
  @ApiOperation({ summary: 'Every product, active or not, with its stock' })
  @ApiOkResponse({ type: AdminProductPage })
  list(@Query() query: CataloguePageQuery): Promise<AdminProductPage> {
    return this.catalogue.adminPage(query.page, query.pageSize);
  }

  @Get(':id')
  @ApiOkResponse({ type: AdminProductResponse })
  get(@Param('id') id: string): Promise<AdminProductResponse> {
    return this.catalogue.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a product (409 when the SKU exists)' })
  @ApiCreatedResponse({ type: AdminProductResponse })
  create(@Body() dto: CreateProductDto): Promise<AdminProductResponse> {
    return this.catalogue.create(dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change price, VAT rate, texts, stock (set or adjust) or whether it is on sale' })
  @ApiOkResponse({ type: AdminProductResponse })
  update(@Param('id') id: string, @Body() dto: UpdateProductDto): Promise<AdminProductResponse> {
    return this.catalogue.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a product never ordered (409 otherwise: deactivate it instead)' })
  @ApiNoContentResponse()
  remove(@Param('id') id: string): Promise<void> {
    return this.catalogue.remove(id);
  }
}
