import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { ShipmentLifecycle } from './shipment-lifecycle.js';
import { ShipmentDto, toShipmentDto } from './shipments-admin.dto.js';

export class ParcelLineDto {
  @ApiProperty({ example: 1, description: "The line's number in the order." })
  @IsInt()
  @Min(1)
  @Max(50)
  lineNo!: number;

  @ApiProperty({ example: 1, description: 'Pieces of the line in this parcel.' })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;
}

export class PackParcelDto {
  @ApiProperty({ type: [ParcelLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ParcelLineDto)
  lines!: ParcelLineDto[];
}

/** Several parcels per order: staff pack the lines that are ready, each parcel with its own tracking. */
@ApiTags('admin: shipments')
@ApiBearerAuth()
@Controller('api/v1/admin/orders')
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('fulfilment', 'admin')
export class ParcelsAdminController {
  constructor(private readonly lifecycle: ShipmentLifecycle) {}

  @Post(':id/parcels')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Pack a parcel of some lines of an order being picked (or partially shipped)',
    description:
      'The parcel is handed to the carrier by the handoff job (its own tracking number); the order becomes ' +
      'partially_shipped while lines are left, handed_to_carrier with the last. Moving the order to packed ' +
      'sends what is left in one parcel. 409 parcel-not-open in another status; 400 naming lines[i].lineNo / ' +
      '.quantity for a line not in the order or more pieces than are left to pack.',
  })
  @ApiOkResponse({ type: ShipmentDto })
  async pack(
    @Param('id') id: string,
    @Body() dto: PackParcelDto,
  ): Promise<ShipmentDto & { parcelNo: number; lines: ParcelLineDto[] }> {
    const parcel = await this.lifecycle.packParcel(id.toLowerCase(), dto.lines);
    return { ...toShipmentDto(parcel), parcelNo: parcel.parcel_no, lines: parcel.lines };
  }
}
