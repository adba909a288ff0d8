import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from './order.dto.js';

export class WithdrawnLineDto {
  @ApiProperty({ example: 1, description: "The line's number in the order (lineNo of its items)." })
  @IsInt()
  @Min(1)
  @Max(MAX_ORDER_LINES)
  lineNo!: number;

  @ApiProperty({ example: 1, description: 'How many pieces of the line you send back.' })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

/** A consumer's declaration of withdrawal (§ 355 BGB): the lines and pieces it covers. */
export class DeclareWithdrawalDto {
  @ApiProperty({ type: [WithdrawnLineDto], description: 'Some or all lines of the order.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => WithdrawnLineDto)
  lines!: WithdrawnLineDto[];
}

export const DISPOSITIONS = ['restock', 'scrap'] as const;

export class InspectedLineDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_ORDER_LINES)
  lineNo!: number;

  @ApiProperty({
    enum: DISPOSITIONS,
    description: 'restock: back for sale (stock goes up); scrap: written off.',
  })
  @IsIn(DISPOSITIONS)
  disposition!: (typeof DISPOSITIONS)[number];
}

/** The parcel arrived: what inspection decided for each returned line. */
export class ReceiveReturnDto {
  @ApiProperty({ type: [InspectedLineDto], description: 'Every line of the return, once.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => InspectedLineDto)
  lines!: InspectedLineDto[];

  @ApiPropertyOptional({
    maxLength: 500,
    description: 'Inspection note, kept in the history. No personal data.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export const RETURN_STATUSES = ['requested', 'received', 'refunded'] as const;

export class ReturnsQueryDto {
  @ApiPropertyOptional({ enum: RETURN_STATUSES })
  @IsOptional()
  @IsIn(RETURN_STATUSES)
  status?: (typeof RETURN_STATUSES)[number];
}
