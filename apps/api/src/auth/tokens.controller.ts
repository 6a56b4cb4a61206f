import { Body, Controller, Delete, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { parseBody } from '../common/body';
import { arrayOf, bodyOf, dateTime, nullable, obj, ROLE_SCHEMA, str } from '../common/openapi.schemas';
import { AuthService } from './auth.service';
import { CurrentActor, ROLES, Roles, type Actor } from './roles.decorator';

const createSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w.@ -]+$/, 'letters, digits, spaces and . _ @ -')
      .describe('person or device id'),
    role: z.enum(ROLES),
  })
  .strict();

const TOKEN_ROW = obj(
  { id: str(), name: str(), role: ROLE_SCHEMA, createdAt: dateTime(), revokedAt: nullable(dateTime()) },
  ['id', 'name', 'role', 'createdAt'],
);

/** API tokens for people and instruments: admins create (the plaintext is shown once) and revoke them. */
@ApiTags('auth')
@Controller('api/tokens')
export class TokensController {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a token for a role; the answer holds the plaintext, the only time it exists',
    description: 'An instrument token is named after its device id: it may report that device only.',
  })
  @ApiBody({ schema: bodyOf(createSchema) })
  @ApiCreatedResponse({
    schema: obj({ id: str(), name: str(), role: ROLE_SCHEMA, token: str('plaintext, shown once') }, [
      'id',
      'name',
      'role',
      'token',
    ]),
  })
  async create(@Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(createSchema, body);
    const { id, token } = await this.auth.tokens.create(b);
    await this.audit.record(actor, {
      action: 'token.create',
      target: id,
      after: { name: b.name, role: b.role },
    });
    return { id, name: b.name, role: b.role, token };
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Every token (never its secret), revoked ones included' })
  @ApiOkResponse({ schema: arrayOf(TOKEN_ROW) })
  list() {
    return this.auth.tokens.list();
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a token; requests with it are refused from now on' })
  @ApiOkResponse({ schema: obj({ revoked: str() }, ['revoked']) })
  async revoke(@Param('id') id: string, @CurrentActor() actor: Actor) {
    if (!(await this.auth.tokens.revoke(id))) throw new NotFoundException(`no live token ${id}`);
    await this.audit.record(actor, { action: 'token.revoke', target: id });
    return { revoked: id };
  }
}
