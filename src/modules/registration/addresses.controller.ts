import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { AddressBook } from './address-book.service.js';
import { AddressDto, CreateAddressDto, UpdateAddressDto } from './dto/address.dto.js';
import { SignedInCustomer } from './signed-in-customer.guard.js';

@ApiTags('shop: my account')
@SignedInCustomer()
@Controller('api/v1/shop/me/addresses')
export class AddressesController {
  constructor(private readonly addresses: AddressBook) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'My address book' })
  @ApiOkResponse({ type: [AddressDto] })
  list(@Principal() principal: TokenClaims): Promise<AddressDto[]> {
    return this.addresses.list(principal.sub);
  }

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Add an address' })
  @ApiCreatedResponse({ type: AddressDto })
  @ApiConflictResponse({ description: 'The address book is full' })
  create(@Principal() principal: TokenClaims, @Body() dto: CreateAddressDto): Promise<AddressDto> {
    return this.addresses.create(principal.sub, dto);
  }

  @Get(':id')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'One of my addresses' })
  @ApiOkResponse({ type: AddressDto })
  @ApiNotFoundResponse({ description: 'No such address in my address book' })
  get(@Principal() principal: TokenClaims, @Param('id') id: string): Promise<AddressDto> {
    return this.addresses.get(principal.sub, id);
  }

  @Patch(':id')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Rectify one of my addresses (Art. 16; audited)' })
  @ApiOkResponse({ type: AddressDto })
  @ApiNotFoundResponse({ description: 'No such address in my address book' })
  update(
    @Principal() principal: TokenClaims,
    @Param('id') id: string,
    @Body() dto: UpdateAddressDto,
  ): Promise<AddressDto> {
    return this.addresses.update(principal.sub, id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of my addresses' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such address in my address book' })
  async remove(@Principal() principal: TokenClaims, @Param('id') id: string): Promise<void> {
    await this.addresses.remove(principal.sub, id);
  }
}
