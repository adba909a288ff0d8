import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Principal, StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import type { TokenClaims } from '../../common/auth/token.service.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { DeviceSerials, type SerialHit } from './device-serials.js';

const staffActor = (p: TokenClaims) => ({
  type: 'staff' as const,
  id: p.sub,
  ...(p.role ? { role: p.role } : {}),
});

export class ScannedSerialDto {
  @ApiProperty({
    example: '(01)04012345678901(21)SN12345',
    description: 'The UDI or serial number as scanned.',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(120)
  value!: string;

  @ApiProperty({ enum: ['udi', 'serial'] })
  @IsIn(['udi', 'serial'])
  kind!: 'udi' | 'serial';
}

export class ScannedLineDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(50)
  lineNo!: number;

  @ApiProperty({ type: [ScannedSerialDto], description: 'One per piece of the line.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ScannedSerialDto)
  serials!: ScannedSerialDto[];
}

export class RecordSerialsDto {
  @ApiProperty({ type: [ScannedLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ScannedLineDto)
  lines!: ScannedLineDto[];
}

export class SerialSearchQuery {
  @ApiProperty({ description: 'The UDI or serial number (case-insensitive).' })
  @IsString()
  @MinLength(3)
  @MaxLength(120)
  serial!: string;

  @ApiPropertyOptional({ description: 'true: every serial starting with it (a batch or lot).' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  prefix?: boolean;
}

/** Device serial numbers: scanned at packing, searched in a recall. */
@ApiTags('admin: device serials')
@ApiBearerAuth()
@Controller('api/v1/admin')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
export class DeviceSerialsController {
  constructor(private readonly serials: DeviceSerials) {}

  @Post('orders/:id/serials')
  @HttpCode(201)
  @StaffRoles('fulfilment', 'admin')
  @ApiOperation({
    summary: 'Record the UDI or serial numbers scanned for device lines of an order (at packing)',
    description:
      'One per piece. An order with a device line cannot be packed until each piece is scanned (409 ' +
      'serials-missing). 400 naming lines[i].lineNo for a line that is no device or not in the order, ' +
      'lines[i].serials[j].value for a malformed or repeated serial; 409 once the order has left.',
  })
  async record(
    @Param('id') id: string,
    @Body() dto: RecordSerialsDto,
    @Principal() principal: TokenClaims,
  ): Promise<{ serials: SerialHit[] }> {
    return { serials: await this.serials.record(id.toLowerCase(), dto.lines, staffActor(principal)) };
  }

  @Get('device-serials')
  @StaffRoles('support', 'admin', 'privacy-officer')
  @ApiOperation({
    summary: 'Recall search: whom a device (UDI or serial number) was sold to',
    description:
      'Exact match, or with prefix=true every serial starting with it. Links blocked by an erasure request are ' +
      'included and marked blocked (kept for recalls, MDR). Every buyer found is recorded in the audit log.',
  })
  async search(
    @Query() query: SerialSearchQuery,
    @Principal() principal: TokenClaims,
  ): Promise<{ results: SerialHit[] }> {
    return { results: await this.serials.search(query.serial, query.prefix === true, staffActor(principal)) };
  }
}
