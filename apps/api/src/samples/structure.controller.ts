import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError, StructuresRepository, type GraftlabDb } from '@graftlab/db';
import { DATABASE } from '@graftlab/runtime';
import { Roles } from '../auth/roles.decorator';
import { ERROR_SCHEMA } from '../common/openapi.schemas';

const SHA256 = /^[0-9a-f]{64}$/i;

/** The bytes of structure records (curves, spectra, images), by the sha256 that names them. */
@ApiTags('samples')
@Controller('api/structure')
export class StructureController {
  constructor(@Inject(DATABASE) private readonly db: GraftlabDb) {}

  @Get(':hash')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({ summary: 'Download the bytes with this sha256 (immutable: the name is the content)' })
  @ApiProduces('application/octet-stream', 'text/csv')
  @ApiOkResponse({
    description: 'the bytes, with the media type they were stored with',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiNotFoundResponse({ description: 'nothing stored under this hash', schema: ERROR_SCHEMA })
  async download(@Param('hash') hash: string, @Res() res: Response): Promise<void> {
    const blob = SHA256.test(hash) ? await new StructuresRepository(this.db).blob(hash) : undefined;
    if (!blob) throw new NotFoundError('structure file', hash);
    res
      .status(200)
      .type(blob.mediaType)
      .set({
        ETag: `"${hash.toLowerCase()}"`,
        'Cache-Control': 'private, max-age=31536000, immutable',
        'Content-Length': String(blob.sizeBytes),
        'Content-Disposition': `attachment; filename="${hash.toLowerCase()}"`,
      })
      .end(blob.bytes);
  }
}
