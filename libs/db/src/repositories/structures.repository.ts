import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256Hex } from '../canonical-json';
import { NotFoundError } from '../db.errors';
import type { Db } from '../db.types';
import type { MeasurementInput } from '../measurements/measurement.evaluation';
import { convert, parseUnit, sameDimension } from '../measurements/measurement.units';
import { mainPeak } from '../measurements/structure-peak.analysis';
import {
  blobs,
  DATA_ORIGINS,
  samples,
  STRUCTURE_KINDS,
  structureRecords,
  type DataOrigin,
  type StructureKind,
} from '../schema';
import { checkDataSource, DataSourcesRepository, type DataSourceInput } from './data-sources.repository';
import { MeasurementsRepository, type Measurement } from './measurements.repository';

export type StructureRecord = typeof structureRecords.$inferSelect;

/** Largest file or array a structure record may hold (a SAXS frame export or a micrograph fits; raw detector stacks do not). */
export const MAX_STRUCTURE_BYTES = 16 * 1024 * 1024;
export const MAX_STRUCTURE_POINTS = 200_000;

/** Scalars derived from the curve by the server. */
export const DERIVATIONS = ['domain_spacing'] as const;
export type Derivation = (typeof DERIVATIONS)[number];

export interface StructureInput {
  sampleId: string;
  kind: StructureKind;
  /** An array: x and y (and optionally the standard uncertainty of y), stored as a CSV file ... */
  x?: readonly number[];
  y?: readonly number[];
  yUncertainty?: readonly number[];
  xQuantity?: string | null;
  xUnit?: string | null;
  yQuantity?: string | null;
  yUnit?: string | null;
  /** ... or a file as it came from the instrument. */
  bytes?: Buffer;
  mediaType?: string | null;
  fileName?: string | null;
  /** Range of a file's x axis when it is not an array given here. */
  xMin?: number | null;
  xMax?: number | null;
  instrument?: string | null;
  facility?: string | null;
  measuredAt?: Date | null;
  conditions?: Record<string, unknown> | null;
  operator?: string | null;
  origin?: DataOrigin | null;
  source?: DataSourceInput | null;
  note?: string | null;
  /** Scalars worked out elsewhere (a Teubner–Strey correlation length), recorded as measurements citing the record. */
  derived?: readonly (MeasurementInput & { method?: string | null; timeOnTestH?: number | null })[];
  /** Scalars the server derives from the curve (domain_spacing: d = 2π/q* from the main I(q) peak). */
  derive?: readonly Derivation[];
}

export interface AttachedStructure {
  structure: StructureRecord;
  /** False when these bytes were already attached to this sample (nothing new was written). */
  created: boolean;
  /** URL path the bytes are served at. */
  url: string;
  derived: Measurement[];
}

/** Where the API serves a blob. */
export const structureUrl = (sha256: string) => `/api/structure/${sha256}`;

export function structureIdFor(sampleId: string, sha256: string): string {
  return 'str-' + sha256Hex(canonicalJson([sampleId, sha256])).slice(0, 24);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const SCATTERING = new Set<StructureKind>(['saxs', 'sans', 'waxs']);
const SPECTRA = new Set<StructureKind>(['ftir', 'raman']);
const MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/i;

/** The array as the CSV file that is stored and hashed: "q [nm^-1],I [cm^-1]" then one line per point. */
export function arrayCsv(input: StructureInput): Buffer {
  const head = (q: string | null | undefined, u: string | null | undefined, fallback: string) =>
    `${q?.trim() || fallback}${u?.trim() ? ` [${u.trim()}]` : ''}`;
  const header = [head(input.xQuantity, input.xUnit, 'x'), head(input.yQuantity, input.yUnit, 'y')];
  if (input.yUncertainty) header.push(head(`u(${input.yQuantity?.trim() || 'y'})`, input.yUnit, 'u(y)'));
  const lines = input.x!.map((x, i) =>
    [x, input.y![i], ...(input.yUncertainty ? [input.yUncertainty[i]] : [])].map(String).join(','),
  );
  return Buffer.from(
    [header.map((h) => (/[",]/.test(h) ? `"${h.replace(/"/g, '""')}"` : h)).join(','), ...lines].join('\n') +
      '\n',
  );
}

function check(input: StructureInput, at: string): Problem[] {
  const problems: Problem[] = [];
  const bad = (field: string, message: string) => problems.push({ pointer: `${at}/${field}`, message });
  if (!STRUCTURE_KINDS.includes(input.kind))
    bad('kind', `"${input.kind}" is not one of ${STRUCTURE_KINDS.join(', ')}`);
  const isArray = input.x !== undefined || input.y !== undefined;
  if (isArray === (input.bytes !== undefined))
    bad('', 'give either x and y arrays or a file, not both or neither');
  if (isArray) {
    if (!input.x || !input.y) bad(input.x ? 'y' : 'x', 'required with the other axis');
    else {
      if (input.x.length !== input.y.length)
        bad('y', `has ${input.y.length} points, x has ${input.x.length}`);
      if (input.x.length < 2) bad('x', 'needs at least two points');
      if (input.x.length > MAX_STRUCTURE_POINTS) bad('x', `at most ${MAX_STRUCTURE_POINTS} points`);
      for (const axis of ['x', 'y', 'yUncertainty'] as const) {
        const values = input[axis];
        const i = values?.findIndex((v) => !finite(v)) ?? -1;
        if (i >= 0) bad(`${axis}/${i}`, `${String(values![i])} is not a number`);
      }
      if (input.yUncertainty && input.yUncertainty.length !== input.y.length)
        bad('yUncertainty', `has ${input.yUncertainty.length} points, y has ${input.y.length}`);
      if (!input.xUnit) bad('xUnit', 'required for an array');
    }
  } else if (input.bytes) {
    if (input.bytes.length === 0) bad('file', 'is empty');
    if (input.bytes.length > MAX_STRUCTURE_BYTES) bad('file', `larger than ${MAX_STRUCTURE_BYTES} bytes`);
    if (!input.mediaType || !MEDIA_TYPE.test(input.mediaType))
      bad('mediaType', 'required: a media type such as image/tiff');
  }
  if (input.xUnit) {
    const u = parseUnit(input.xUnit);
    const inverseLength = parseUnit('nm^-1')!;
    if (!u) bad('xUnit', `"${input.xUnit}" is not a unit`);
    else if ((SCATTERING.has(input.kind) || SPECTRA.has(input.kind)) && !sameDimension(u, inverseLength))
      bad('xUnit', `"${input.xUnit}" is not an inverse length (q in 1/nm or 1/Å, wavenumber in 1/cm)`);
  }
  if (input.origin != null && !DATA_ORIGINS.includes(input.origin))
    bad('origin', `"${input.origin}" is not one of ${DATA_ORIGINS.join(', ')}`);
  if (input.source) problems.push(...checkDataSource(input.source, `${at}/source`));
  for (const [i, d] of (input.derive ?? []).entries()) {
    if (!DERIVATIONS.includes(d)) bad(`derive/${i}`, `"${d}" is not one of ${DERIVATIONS.join(', ')}`);
    else if (d === 'domain_spacing' && (!SCATTERING.has(input.kind) || !isArray))
      bad(`derive/${i}`, 'a domain spacing is derived from a scattering curve I(q) given as arrays');
  }
  return problems;
}

/**
 * Arrays and files attached to samples (SAXS/SANS I(q), FTIR spectra, micrographs), content-addressed: the bytes are
 * stored once per sha256 whichever samples cite them. Bytes, record and derived measurements are written in one
 * transaction.
 */
export class StructuresRepository {
  constructor(private readonly db: Db) {}

  async attach(input: StructureInput, at = ''): Promise<AttachedStructure> {
    const problems = check(input, at);
    if (problems.length) throw new DocumentError(problems);
    const isArray = input.x !== undefined;
    const bytes = isArray ? arrayCsv(input) : input.bytes!;
    const mediaType = isArray ? 'text/csv' : input.mediaType!;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const xs = isArray ? input.x! : [];
    return this.db.transaction(async (tx) => {
      const [sample] = await tx
        .select({ id: samples.id })
        .from(samples)
        .where(eq(samples.id, input.sampleId));
      if (!sample) throw new NotFoundError('sample', input.sampleId);
      await tx
        .insert(blobs)
        .values({ sha256, bytes, mediaType, sizeBytes: bytes.length })
        .onConflictDoNothing();
      const source = input.source
        ? await new DataSourcesRepository(tx).upsert(input.source, `${at}/source`)
        : null;
      const id = structureIdFor(input.sampleId, sha256);
      const inserted = await tx
        .insert(structureRecords)
        .values({
          id,
          sampleId: input.sampleId,
          sha256,
          kind: input.kind,
          mediaType,
          fileName: input.fileName?.trim() || null,
          instrument: input.instrument?.trim() || null,
          facility: input.facility?.trim() || null,
          xQuantity: input.xQuantity?.trim() || null,
          xUnit: input.xUnit?.trim() || null,
          yQuantity: input.yQuantity?.trim() || null,
          yUnit: input.yUnit?.trim() || null,
          xMin: isArray ? Math.min(...xs) : (input.xMin ?? null),
          xMax: isArray ? Math.max(...xs) : (input.xMax ?? null),
          points: isArray ? xs.length : null,
          conditions: (input.conditions as Record<string, unknown> | null) ?? {},
          measuredAt: input.measuredAt ?? null,
          operator: input.operator?.trim() || null,
          origin: input.origin ?? source?.origin ?? 'measured-here',
          sourceId: source?.id ?? null,
          note: input.note?.trim() || null,
        })
        .onConflictDoNothing()
        .returning();
      const [structure] = inserted.length
        ? inserted
        : await tx.select().from(structureRecords).where(eq(structureRecords.id, id));
      const derived: Measurement[] = [];
      if (inserted.length) {
        const repo = new MeasurementsRepository(tx);
        const context = {
          sampleId: input.sampleId,
          instrument: structure.instrument,
          measuredAt: structure.measuredAt,
          operator: structure.operator,
          origin: structure.origin,
          source: input.source ?? null,
          structureId: id,
        };
        for (const [i, d] of (input.derived ?? []).entries()) {
          derived.push(await repo.add({ ...context, ...d }, `${at}/derived/${i}`));
        }
        for (const [i, d] of (input.derive ?? []).entries()) {
          if (d === 'domain_spacing')
            derived.push(await repo.add({ ...context, ...domainSpacing(input, `${at}/derive/${i}`) }));
        }
      }
      return { structure, created: inserted.length > 0, url: structureUrl(sha256), derived };
    });
  }

  async forSample(sampleId: string): Promise<StructureRecord[]> {
    return this.db
      .select()
      .from(structureRecords)
      .where(eq(structureRecords.sampleId, sampleId))
      .orderBy(asc(structureRecords.createdAt), asc(structureRecords.id));
  }

  /** The bytes with this sha256, or undefined. */
  async blob(sha256: string): Promise<{ bytes: Buffer; mediaType: string; sizeBytes: number } | undefined> {
    const [row] = await this.db
      .select({ bytes: blobs.bytes, mediaType: blobs.mediaType, sizeBytes: blobs.sizeBytes })
      .from(blobs)
      .where(eq(blobs.sha256, sha256.toLowerCase()));
    return row;
  }
}

/** d = 2π/q* from the main peak, in nm, known to within the q sampling there (type B: Δd/√12). */
function domainSpacing(input: StructureInput, at: string): MeasurementInput & { method: string } {
  const peak = mainPeak(input.x!, input.y!);
  if (!peak)
    throw new DocumentError([{ pointer: at, message: 'the curve has no interior peak to take q* from' }]);
  const perNm = convert(1, parseUnit(input.xUnit!)!, parseUnit('nm^-1')!);
  const q = peak.x * perNm;
  const dq = peak.step * perNm;
  return {
    property: 'domain_spacing',
    value: (2 * Math.PI) / q,
    unit: 'nm',
    resolution: (2 * Math.PI * dq) / q ** 2,
    method: `d = 2π/q*, q* = ${Number(q.toPrecision(6))} nm^-1 (main I(q) peak, parabolic vertex)`,
  };
}
