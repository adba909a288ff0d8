import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CookieCatalogue } from './cookie-catalogue.js';
import { MAX_COOKIE_AGE_SECONDS } from './cookie-policy.js';

class CookieEntryDto {
  @ApiProperty({ description: 'Cookie name', example: 'sf_refresh' })
  name!: string;

  @ApiProperty({ description: 'Why the cookie is set' })
  purpose!: string;

  @ApiProperty({ description: 'The processing activity (registry id) the cookie serves', example: 'cookies' })
  activity!: string;

  @ApiProperty({ description: 'Longest lifetime in seconds (never above one year)', example: 2_592_000 })
  maxAgeSeconds!: number;

  @ApiProperty({ description: 'Not readable by scripts in the page' })
  httpOnly!: boolean;

  @ApiProperty({ description: 'Sent over HTTPS only' })
  secure!: boolean;

  @ApiProperty({ enum: ['Strict', 'Lax', 'None'] })
  sameSite!: string;

  @ApiProperty({ description: 'The URL path the browser sends it to', example: '/api/v1/shop/auth' })
  path!: string;
}

class CookieCatalogueDto {
  @ApiProperty({
    description: 'No cookie lives longer than this, in seconds',
    example: MAX_COOKIE_AGE_SECONDS,
  })
  maxAgeCapSeconds!: number;

  @ApiProperty({
    description: 'Whether any cookie needs consent: none does, all are strictly necessary',
    example: false,
  })
  consentRequired!: boolean;

  @ApiProperty({ type: [CookieEntryDto] })
  cookies!: CookieEntryDto[];
}

@ApiTags('shop: cookies')
@Controller('api/v1/shop/cookies')
export class CookiesController {
  constructor(private readonly catalogue: CookieCatalogue) {}

  @Get()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The cookies the shop sets, their purpose and lifetime (for the cookie notice)' })
  @ApiOkResponse({ type: CookieCatalogueDto })
  list(): CookieCatalogueDto {
    return {
      maxAgeCapSeconds: MAX_COOKIE_AGE_SECONDS,
      consentRequired: false,
      cookies: this.catalogue.all().map((c) => ({
        name: c.name,
        purpose: c.purpose,
        activity: c.activityId,
        maxAgeSeconds: c.maxAgeSeconds,
        httpOnly: c.httpOnly,
        secure: c.secure,
        sameSite: c.sameSite,
        path: c.path,
      })),
    };
  }
}
