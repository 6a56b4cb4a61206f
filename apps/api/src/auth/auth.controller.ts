import { Body, Controller, Get, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { parseBody } from '../common/body';
import { ACTOR_SCHEMA, bodyOf, ERROR_SCHEMA, obj } from '../common/openapi.schemas';
import { AuditService } from '../audit/audit.service';
import { AuthService } from './auth.service';
import { ANY_ROLE, CurrentActor, Public, Roles, type Actor } from './roles.decorator';
import { clearSessionCookie, CSRF_HEADER, setSessionCookie } from './session-cookie';

const loginSchema = z
  .object({ token: z.string().min(1).max(512).describe('an API token (glt_...)') })
  .strict();

/**
 * Dashboard login: the API token is exchanged for an httpOnly, SameSite=Strict session cookie holding it, so no
 * page script ever reads it and EventSource (which cannot send headers) is authenticated too.
 */
@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  // Guessing 256-bit tokens is hopeless anyway; this keeps a script from hammering the database.
  @Throttle({ default: { limit: 20, ttl: 60_000 } })
  @ApiOperation({ summary: 'Log in with an API token; sets the dashboard session cookie' })
  @ApiBody({ schema: bodyOf(loginSchema) })
  @ApiOkResponse({
    description: `the session cookie is set; later changes need the ${CSRF_HEADER} header`,
    schema: obj({ actor: ACTOR_SCHEMA }, ['actor']),
  })
  @ApiUnauthorizedResponse({ description: 'unknown or revoked token', schema: ERROR_SCHEMA })
  async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const { token } = parseBody(loginSchema, body);
    const actor = await this.auth.authenticate(token);
    if (!actor) throw new UnauthorizedException('invalid or revoked API token');
    setSessionCookie(req, res, token);
    await this.audit.record(actor, { action: 'auth.login', target: actor.id });
    return { actor };
  }

  @Post('logout')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear the dashboard session cookie' })
  @ApiOkResponse({ schema: obj({ loggedOut: { type: 'boolean' } }, ['loggedOut']) })
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    clearSessionCookie(req, res);
    return { loggedOut: true };
  }

  @Get('me')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'Who the token or session belongs to' })
  @ApiOkResponse({ schema: ACTOR_SCHEMA })
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
