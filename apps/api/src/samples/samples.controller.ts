import {
  Body,
  ConflictException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  exportMeasurementRows,
  exportRows,
  formatExport,
  JournalRepository,
  runSamples,
  runs,
  MAX_STRUCTURE_BYTES,
  MEASUREMENT_EXPORT_COLUMNS,
  MeasurementsRepository,
  samplePassport,
  StructuresRepository,
  type GraftlabDb,
} from '@graftlab/db';
import { DATABASE, INVENTORY } from '@graftlab/runtime';
import type { Inventory } from '@graftlab/inventory';
import { DocumentError, parseSafeJson } from '@graftlab/validation';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import { anyObject, arrayOf, bodyOf, ERROR_SCHEMA } from '../common/openapi.schemas';
import {
  MEASUREMENT_BODY_SCHEMA,
  MEASUREMENT_SCHEMA,
  measurementBody,
  type MeasurementBody,
  STRUCTURE_BODY_SCHEMA,
  STRUCTURE_MULTIPART_SCHEMA,
  STRUCTURE_SCHEMA,
  structureBody,
} from './measurement.body';

const locationBody = z
  .object({
    location: z.string().min(1).describe('an inventory location id, e.g. rack-a'),
    reason: z.string().min(1).max(1000).describe('what the person found and did; kept in the audit trail'),
  })
  .strict();

const querySchema = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    shape: z.enum(['wide', 'long']).default('wide'),
    campaign: z.string().min(1).optional(),
    protocol: z.string().min(1).optional(),
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    basePolymer: z.string().min(1).optional(),
    monomer: z.string().min(1).optional(),
  })
  .strict();

/** What multer hands over for a multipart file part. */
interface UploadedPart {
  buffer: Buffer;
  mimetype: string;
  originalname: string;
}

/**
 * The MI database's samples: one tidy row per sample (or per measurement) for machine learning, each sample's
 * passport, and what is measured on a sample after its run (values, curves, spectra, images).
 */
@ApiTags('samples')
@Controller('api/samples')
export class SamplesController {
  constructor(
    @Inject(DATABASE) private readonly db: GraftlabDb,
    @Inject(INVENTORY) private readonly inventory: Inventory,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      'Export samples: wide (one row per sample: provenance, materials, recipe, irradiation, conditions, outputs, measurements) or long (one row per measurement)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiQuery({ name: 'shape', required: false, enum: ['wide', 'long'] })
  @ApiQuery({ name: 'campaign', required: false })
  @ApiQuery({ name: 'protocol', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO date or date-time' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO date or date-time' })
  @ApiQuery({ name: 'basePolymer', required: false })
  @ApiQuery({ name: 'monomer', required: false })
  @ApiOkResponse({
    description: 'one row per sample or per measurement (columns: libs/db/EXPORT_COLUMNS.md)',
    content: {
      'application/json': { schema: arrayOf(anyObject('sample or measurement row')) },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async export(@Query() query: Record<string, string>, @Res() res: Response): Promise<void> {
    const q = parseBody(querySchema, { ...query });
    const filters = {
      campaignId: q.campaign,
      protocolId: q.protocol,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      basePolymer: q.basePolymer,
      monomer: q.monomer,
    };
    const text =
      q.shape === 'long'
        ? formatExport(await exportMeasurementRows(this.db, filters), q.format, [
            ...MEASUREMENT_EXPORT_COLUMNS,
          ])
        : formatExport(await exportRows(this.db, filters), q.format);
    res.type(q.format === 'csv' ? 'text/csv' : 'application/json').send(text);
  }

  @Get(':id')
  @Roles('scientist', 'operator', 'safety-officer')
  @ApiOperation({
    summary:
      "A sample's passport: provenance, polymer and base material, recipe, irradiation, W0, storage, dispensing, grafting trace, drying curve, Wg, outputs, measurements by property (time series by time on test), structure files",
  })
  @ApiOkResponse({ schema: anyObject('sample passport') })
  async passport(@Param('id') id: string) {
    const passport = await samplePassport(this.db, id);
    if (!passport) throw new NotFoundException(`sample ${id} not found`);
    return passport;
  }

  @Post(':id/location')
  @Roles('operator', 'safety-officer')
  @ApiOperation({
    summary:
      "A person says where a film lies (taken out of an instrument, or found where a move of an ended run left it): its place, a custody event, and the ended runs' unsettled moves of it settled, in one commit; audited. Refused while a run of it is running",
  })
  @ApiBody({ schema: bodyOf(locationBody) })
  @ApiCreatedResponse({ schema: anyObject('the sample, and the moves settled') })
  @ApiNotFoundResponse({ description: 'no such sample', schema: ERROR_SCHEMA })
  @ApiUnprocessableEntityResponse({ description: 'an unknown location (/location)', schema: ERROR_SCHEMA })
  async locate(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(locationBody, body);
    if (!this.inventory.locations.some((l) => l.id === b.location))
      throw new DocumentError([
        {
          pointer: '/location',
          message: `unknown location ${JSON.stringify(b.location)}; expected one of: ${this.inventory.locations.map((l) => l.id).join(', ')}`,
        },
      ]);
    const running = await this.db
      .select({ id: runs.id })
      .from(runSamples)
      .innerJoin(runs, eq(runs.id, runSamples.runId))
      .where(and(eq(runSamples.sampleId, id), eq(runs.state, 'running')));
    if (running.length)
      throw new ConflictException(
        `sample ${id} is in run ${running[0].id}, which is running: pause it first, then say where the film is`,
      );
    // The change and its audit entry are kept together, or neither.
    return this.db.transaction(async (tx) => {
      const located = await new JournalRepository(tx).locateSample(id, b.location, {
        actor: actor.name,
        reason: b.reason,
      });
      await this.audit.recordIn(tx, actor, {
        action: 'sample.locate',
        target: `sample:${id}`,
        reason: b.reason,
        after: { location: b.location, settled: located.settled },
      });
      return { id, location: b.location, settled: located.settled };
    });
  }

  @Post(':id/measurements')
  @Roles('scientist', 'operator')
  @ApiOperation({
    summary:
      "Record a measured value of a sample after its run: converted to the property's canonical unit (original kept), with a stated or derived standard uncertainty (GUM), audited",
  })
  @ApiBody({ schema: MEASUREMENT_BODY_SCHEMA })
  @ApiCreatedResponse({ schema: MEASUREMENT_SCHEMA })
  @ApiNotFoundResponse({ description: 'no such sample', schema: ERROR_SCHEMA })
  @ApiUnprocessableEntityResponse({
    description: 'refused, each problem with its pointer (/unit, /uncertainty, ...)',
    schema: ERROR_SCHEMA,
  })
  async addMeasurement(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const b = parseBody(measurementBody, body);
    return this.db.transaction(async (tx) => {
      const measurement = await new MeasurementsRepository(tx).add({
        ...b,
        sampleId: id,
        measuredAt: b.measuredAt ? new Date(b.measuredAt) : null,
        operator: b.operator ?? actor.name,
        source: sourceOf(b),
      });
      await this.audit.recordIn(tx, actor, {
        action: 'measurement.add',
        target: `sample:${id}`,
        after: measurement,
      });
      return measurement;
    });
  }

  @Post(':id/structure')
  @Roles('scientist', 'operator')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_STRUCTURE_BYTES, files: 1 } }))
  @ApiOperation({
    summary:
      'Attach an array (x, y: an I(q) curve, a spectrum) or a file (multipart, or base64 when small) to a sample, stored once by its sha256, with derived scalars recorded as measurements citing it; audited',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    description:
      'JSON: the fields, with x and y or an inline base64 file; multipart: a `file` part and a `metadata` part',
    schema: { oneOf: [STRUCTURE_BODY_SCHEMA, STRUCTURE_MULTIPART_SCHEMA] },
  })
  @ApiCreatedResponse({ schema: STRUCTURE_SCHEMA })
  @ApiNotFoundResponse({ description: 'no such sample', schema: ERROR_SCHEMA })
  @ApiUnprocessableEntityResponse({
    description: 'refused, each problem with its pointer',
    schema: ERROR_SCHEMA,
  })
  async attachStructure(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @UploadedFile() part?: UploadedPart,
  ) {
    const raw = part ? multipartMetadata(body) : body;
    const b = parseBody(structureBody, raw);
    if (part && (b.file || b.x || b.y))
      throw new DocumentError([{ pointer: '', message: 'give the file as the multipart part only' }]);
    const file = part
      ? { bytes: part.buffer, mediaType: b.file?.mediaType ?? part.mimetype, fileName: part.originalname }
      : b.file
        ? { bytes: Buffer.from(b.file.base64, 'base64'), mediaType: b.file.mediaType, fileName: b.file.name }
        : {};
    const { file: _inline, ...fields } = b;
    return this.db.transaction(async (tx) => {
      const attached = await new StructuresRepository(tx).attach({
        ...fields,
        ...file,
        sampleId: id,
        measuredAt: b.measuredAt ? new Date(b.measuredAt) : null,
        operator: b.operator ?? actor.name,
        source: sourceOf(b),
      });
      if (attached.created)
        await this.audit.recordIn(tx, actor, {
          action: 'structure.attach',
          target: `sample:${id}`,
          after: {
            structure: attached.structure,
            derived: attached.derived.map((m) => ({ id: m.id, property: m.property, value: m.value })),
          },
        });
      return attached;
    });
  }
}

/** A cited source says which kind of source it is: literature or the alliance's records. */
function sourceOf(b: { source?: MeasurementBody['source']; origin?: MeasurementBody['origin'] }) {
  if (!b.source) return null;
  if (!b.origin || b.origin === 'measured-here')
    throw new DocumentError([
      { pointer: '/origin', message: 'with a source: literature or alliance-history' },
    ]);
  return { ...b.source, origin: b.origin };
}

/** The `metadata` part of a multipart upload, as the JSON object the route otherwise takes as its body. */
function multipartMetadata(body: unknown): unknown {
  const text = (body as { metadata?: unknown } | undefined)?.metadata;
  if (typeof text !== 'string')
    throw new DocumentError([
      { pointer: '/metadata', message: 'required: JSON text of the fields (kind, ...)' },
    ]);
  try {
    return parseSafeJson(text);
  } catch (e) {
    throw new DocumentError([{ pointer: '/metadata', message: `not JSON: ${(e as Error).message}` }]);
  }
}
