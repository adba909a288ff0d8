import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Trim } from './text.js';

export class LoginDto {
  @ApiProperty({ example: 'erika@example.org', maxLength: 254 })
  @Trim()
  @IsString()
  @Length(1, 254)
  email!: string;

  @ApiProperty({ format: 'password', maxLength: 256 })
  @IsString()
  @Length(1, 256)
  password!: string;
}

/** The refresh token comes in the body or, from a browser, in the `sf_refresh` cookie. */
export class RefreshDto {
  @ApiPropertyOptional({
    description: 'The refresh token; may be left out when the browser sends the sf_refresh cookie',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class TokensDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;

  @ApiProperty({
    description:
      'Single use: exchange it at POST /api/v1/shop/auth/refresh for a new pair. Presenting a used one again ends the session. ' +
      'Also set as the HttpOnly cookie sf_refresh (Path=/api/v1/shop/auth).',
  })
  refreshToken!: string;

  @ApiProperty({ description: 'Seconds until the refresh token expires', example: 2_592_000 })
  refreshExpiresIn!: number;
}
