import { z } from 'zod';
import { DATA_ORIGINS, DERIVATIONS, STRUCTURE_KINDS } from '@graftlab/db';
import { anyObject, arrayOf, dateTime, int, nullable, num, obj, str } from '../common/openapi.schemas';

/**
 * Bodies of POST /api/samples/:id/measurements and /structure. Zod checks the shape; units, uncertainty and ranges
 * are checked by the MI database's own rules (evaluateMeasurement), which answer with the same JSON pointers.
 */
const text = (max = 500) => z.string().trim().min(1).max(max);
const condition = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

export const sourceBody = z
  .object({
    doi: text(200).optional(),
    citation: text(1000).optional(),
    lab: text(200).optional(),
    reportedOn: text(10).optional(),
  })
  .strict();

const valueFields = {
  property: text(100),
  value: z.number().optional(),
  unit: text(50),
  uncertainty: z.number().optional(),
  coverageFactor: z.number().optional(),
  replicates: z.array(z.number()).min(1).max(10_000).optional(),
  resolution: z.number().optional(),
  method: text().optional(),
  timeOnTestH: z.number().optional(),
};

export const measurementBody = z
  .object({
    ...valueFields,
    instrument: text().optional(),
    conditions: z.record(z.string().min(1).max(100), condition).optional(),
    measuredAt: z.iso.datetime({ offset: true }).optional(),
    operator: text(200).optional(),
    origin: z.enum(DATA_ORIGINS).optional(),
    source: sourceBody.optional(),
    runId: text(200).optional(),
    stepKey: text(200).optional(),
  })
  .strict();
export type MeasurementBody = z.output<typeof measurementBody>;

export const structureBody = z
  .object({
    kind: z.enum(STRUCTURE_KINDS),
    x: z.array(z.number()).optional(),
    y: z.array(z.number()).optional(),
    yUncertainty: z.array(z.number()).optional(),
    xQuantity: text(50).optional(),
    xUnit: text(50).optional(),
    yQuantity: text(50).optional(),
    yUnit: text(50).optional(),
    /** A small file inline (the JSON body is limited to 1 MiB; larger files go as multipart). */
    file: z
      .object({ base64: z.base64(), mediaType: text(100), name: text(200).optional() })
      .strict()
      .optional(),
    xMin: z.number().optional(),
    xMax: z.number().optional(),
    instrument: text().optional(),
    facility: text().optional(),
    measuredAt: z.iso.datetime({ offset: true }).optional(),
    conditions: z.record(z.string().min(1).max(100), condition).optional(),
    operator: text(200).optional(),
    origin: z.enum(DATA_ORIGINS).optional(),
    source: sourceBody.optional(),
    note: text(2000).optional(),
    derived: z.array(z.object(valueFields).strict()).max(50).optional(),
    derive: z.array(z.enum(DERIVATIONS)).max(10).optional(),
  })
  .strict();
export type StructureBody = z.output<typeof structureBody>;

const SOURCE = obj(
  {
    doi: str('bare DOI, 10.xxxx/...'),
    citation: str(),
    lab: str(),
    reportedOn: str('YYYY, YYYY-MM or YYYY-MM-DD'),
  },
  [],
  'a citable source (recorded with origin literature or alliance-history)',
);
const ORIGIN = str('measured-here (default), alliance-history or literature', { enum: [...DATA_ORIGINS] });
const CONDITIONS = anyObject('test conditions, flat: {"medium": "1 M KOH", "temperatureC": 80}');

export const MEASUREMENT_BODY_SCHEMA = obj(
  {
    property: str(
      'ion_exchange_capacity, conductivity, conductivity_retained, water_uptake, ... (or an alias: IEC)',
    ),
    value: num('optional when replicates are given (their mean)'),
    unit: str("any unit of the property's dimension (S/cm for conductivity); converted, the original kept"),
    uncertainty: num('standard uncertainty in `unit` (k = 1), or expanded with coverageFactor'),
    coverageFactor: num('k of an expanded uncertainty, 1–10'),
    replicates: arrayOf(num(), 'replicate values in `unit`: type A, s/√n'),
    resolution: num('instrument resolution in `unit`: type B, r/√12'),
    method: str(),
    instrument: str(),
    timeOnTestH: num('hours on test, for a time series (ageing in KOH, ...)'),
    conditions: CONDITIONS,
    measuredAt: dateTime(),
    operator: str('person or device; default the caller'),
    origin: ORIGIN,
    source: SOURCE,
    runId: str('the run, when the value belongs to one'),
    stepKey: str(),
  },
  ['property', 'unit'],
  'one value of one property; 422 names /unit for an incompatible unit and /uncertainty when none can be had',
);

export const MEASUREMENT_SCHEMA = obj(
  {
    id: str(),
    sampleId: str(),
    property: str(),
    value: num('canonical unit'),
    unit: str('canonical unit'),
    uncertainty: nullable(num('standard, k = 1, canonical unit')),
    uncertaintyBasis: str('given, replicates, resolution, replicates+resolution or unstated'),
    originalValue: num(),
    originalUnit: str(),
    originalUncertainty: nullable(num()),
    coverageFactor: nullable(num()),
    replicates: nullable(arrayOf(num())),
    resolution: nullable(num()),
    method: nullable(str()),
    instrument: nullable(str()),
    timeOnTestH: nullable(num()),
    conditions: CONDITIONS,
    measuredAt: nullable(dateTime()),
    recordedAt: dateTime(),
    operator: nullable(str()),
    origin: str(),
    sourceId: nullable(str()),
    runId: nullable(str()),
    stepKey: nullable(str()),
    structureId: nullable(str()),
  },
  ['id', 'sampleId', 'property', 'value', 'unit', 'uncertaintyBasis'],
);

const STRUCTURE_FIELDS = {
  kind: str('', { enum: [...STRUCTURE_KINDS] }),
  xQuantity: str('q, wavenumber, ...'),
  xUnit: str('1/nm, 1/Å, 1/cm'),
  yQuantity: str(),
  yUnit: str(),
  xMin: num('x range of a file'),
  xMax: num(),
  instrument: str(),
  facility: str(),
  measuredAt: dateTime(),
  conditions: CONDITIONS,
  operator: str(),
  origin: ORIGIN,
  source: SOURCE,
  note: str(),
  derived: arrayOf(anyObject('a scalar worked out elsewhere: property, value, unit, uncertainty, method')),
  derive: arrayOf(str('domain_spacing: d = 2π/q* from the main I(q) peak', { enum: [...DERIVATIONS] })),
};

export const STRUCTURE_BODY_SCHEMA = obj(
  {
    ...STRUCTURE_FIELDS,
    x: arrayOf(num()),
    y: arrayOf(num()),
    yUncertainty: arrayOf(num()),
    file: obj(
      { base64: str(), mediaType: str(), name: str() },
      ['base64', 'mediaType'],
      'a small file inline',
    ),
  },
  ['kind'],
  'x and y arrays (stored as CSV), or a file',
);

export const STRUCTURE_MULTIPART_SCHEMA = obj(
  {
    file: str('the file', { format: 'binary' }),
    metadata: str('JSON text of the other fields (kind, instrument, ...)'),
  },
  ['file', 'metadata'],
);

export const STRUCTURE_SCHEMA = obj(
  {
    structure: obj(
      {
        id: str(),
        sampleId: str(),
        sha256: str(),
        kind: str(),
        mediaType: str(),
        xMin: nullable(num()),
        xMax: nullable(num()),
        points: nullable(int()),
      },
      ['id', 'sha256', 'kind'],
    ),
    created: { type: 'boolean', description: 'false when these bytes were already attached to the sample' },
    url: str('where the bytes are served'),
    derived: arrayOf(MEASUREMENT_SCHEMA),
  },
  ['structure', 'created', 'url', 'derived'],
);
