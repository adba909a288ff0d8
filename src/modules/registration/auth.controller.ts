import { Body, Controller, Header, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../../common/auth/token.service.js';
import { CookieCatalogue } from '../cookies/index.js';
import { clientOf } from './client.js';
import { CustomerAuth } from './customer-auth.service.js';
import { CustomerSessions, type IssuedTokens } from './customer-sessions.js';
import { LoginDto, RefreshDto, TokensDto } from './dto/auth.dto.js';
import { REFRESH_COOKIE, refreshCookieOf } from './refresh-cookie.js';

@ApiTags('shop: sign-in')
@Controller('api/v1/shop/auth')
export class AuthController {
  constructor(
    private readonly auth: CustomerAuth,
    private readonly sessions: CustomerSessions,
    private readonly cookies: CookieCatalogue,
  ) {}

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Sign in: an access token and a single-use refresh token (also set as the sf_refresh cookie)',
  })
  @ApiOkResponse({ type: TokensDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email address or password (the answer does not say which)' })
  @ApiTooManyRequestsResponse({
    description: 'Too many failed sign-ins for this account or client (Retry-After)',
  })
  async login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokensDto> {
    return this.withCookie(reply, await this.auth.login(dto.email, dto.password, clientOf(request)));
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Exchange a refresh token (body, or the sf_refresh cookie) for a new pair; the old one is used up',
    description:
      'Presenting a refresh token that was already exchanged ends the whole session (token theft).',
  })
  @ApiOkResponse({ type: TokensDto })
  @ApiUnauthorizedResponse({ description: 'Unknown, expired, used or ended refresh token' })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokensDto> {
    const token = dto.refreshToken ?? refreshCookieOf(request);
    try {
      if (!token) throw unauthorized('A refresh token is required (body or cookie).');
      return this.withCookie(reply, await this.sessions.rotate(token));
    } catch (e) {
      // A browser holding a dead token should drop it.
      if (refreshCookieOf(request) !== undefined)
        void reply.header('set-cookie', this.cookies.clearCookieHeader(REFRESH_COOKIE));
      throw e;
    }
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary:
      'Sign out: ends the session of the refresh token (body, or the sf_refresh cookie) and deletes the cookie',
  })
  @ApiNoContentResponse({ description: 'Signed out (also when the token was unknown or already ended)' })
  async logout(
    @Body() dto: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const token = dto.refreshToken ?? refreshCookieOf(request);
    if (token) await this.sessions.endByToken(token);
    void reply.header('set-cookie', this.cookies.clearCookieHeader(REFRESH_COOKIE));
  }

  private withCookie(reply: FastifyReply, tokens: IssuedTokens): TokensDto {
    void reply.header('set-cookie', this.cookies.setCookieHeader(REFRESH_COOKIE, tokens.refreshToken));
    return tokens;
  }
}
