import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseBody } from '../common/body';
import { anyObject, arrayOf, bool, dateTime, int, nullable, obj, str } from '../common/openapi.schemas';
import { Roles } from '../auth/roles.decorator';
import { AuditService } from './audit.service';

const pageSchema = z
  .object({
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const ENTRY = obj(
  {
    seq: int('position in the chain, from 1'),
    at: dateTime(),
    actor: str(),
    role: nullable(str()),
    action: str('e.g. run.submit, run.abort, estop, protocol.approve, campaign.approve'),
    target: nullable(str()),
    reason: nullable(str()),
    before: nullable(anyObject()),
    after: nullable(anyObject()),
    prevHash: str('hash of the previous entry (64 zeros for the first)'),
    hash: str('sha256(prevHash + canonical JSON of this entry)'),
  },
  ['seq', 'at', 'actor', 'action', 'prevHash', 'hash'],
);

/** The hash-chained audit trail, for admins and the radiation-safety officer. */
@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('safety-officer')
  @ApiOperation({
    summary: 'Audit entries oldest first, a page at a time (next page: afterSeq = nextAfterSeq)',
  })
  @ApiQuery({ name: 'afterSeq', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-500, default 100' })
  @ApiOkResponse({
    schema: obj({ entries: arrayOf(ENTRY), nextAfterSeq: nullable(int('null on the last page')) }, [
      'entries',
      'nextAfterSeq',
    ]),
  })
  async list(@Query() query: Record<string, string>) {
    const { afterSeq, limit } = parseBody(pageSchema, { ...query });
    const entries = await this.audit.list(afterSeq, limit);
    return { entries, nextAfterSeq: entries.length === limit ? entries[entries.length - 1].seq : null };
  }

  @Get('verify')
  @Roles('safety-officer')
  @ApiOperation({
    summary: 'Recompute the hash chain; names the first broken entry (as `graftlab audit verify`)',
  })
  @ApiOkResponse({
    schema: obj(
      { ok: bool(), entries: int(), firstBrokenSeq: int(), reason: str() },
      ['ok'],
      'ok with the entry count, or the first broken entry and why',
    ),
  })
  verify() {
    return this.audit.verify();
  }
}
