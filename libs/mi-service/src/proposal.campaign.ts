import { convert, findProperty, parseUnit } from '@graftlab/db';
import { z } from 'zod';
import { DocumentError, zodProblems, type Problem } from '@graftlab/validation';
import type { MiModelService, RankProposal } from './mi-model.service';
import { CONDITION_PARAMETERS } from './training-records.mapping';

/** A stored protocol version as the proposal is matched against it. */
export interface ProtocolCandidate {
  readonly id: string;
  readonly version: number;
  readonly document: Readonly<Record<string, unknown>>;
}

export interface ProposalCampaignOptions {
  readonly name?: string;
  readonly budget?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** Warm-start the campaign's optimizer from the database (default true). */
  readonly databasePrior?: boolean;
}

/** A campaign definition (the body of POST /api/campaigns) and what could not be carried over. */
export interface ProposalCampaign {
  readonly definition: Record<string, unknown>;
  readonly protocol: { readonly id: string; readonly version: number };
  /** Targets the protocol's runs do not measure (no output of that property, or a time on test). */
  readonly unmeasuredTargets: readonly string[];
}

interface ProtocolParameter {
  readonly name: string;
  readonly type?: string;
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
}

const lower = (s: unknown) => (typeof s === 'string' ? s.trim().toLowerCase() : '');

function materialsOf(doc: Readonly<Record<string, unknown>>): { polymer: string; monomers: string[] } {
  const m = (doc.materials ?? {}) as {
    base?: { polymer?: unknown; name?: unknown };
    monomer?: { name?: unknown; abbreviation?: unknown };
  };
  return {
    polymer: lower(m.base?.polymer),
    monomers: [lower(m.monomer?.name), lower(m.monomer?.abbreviation)].filter(Boolean),
  };
}

/** Whether a protocol grafts the proposal's monomer on its base polymer (names as the protocol's materials say). */
export function protocolGrafts(doc: Readonly<Record<string, unknown>>, proposal: RankProposal): boolean {
  if (proposal.monomers.length !== 1) return false;
  const { polymer, monomers } = materialsOf(doc);
  return polymer === lower(proposal.basePolymer) && monomers.includes(lower(proposal.monomers[0].name));
}

/** The range a campaign searches around a proposed value: ×/÷ 1.5 on log-scale quantities, ±10 °C, within bounds. */
function around(
  value: number,
  kind: 'log' | 'temperature',
  p: ProtocolParameter,
): { min: number; max: number } {
  const lo = p.min ?? Number.NEGATIVE_INFINITY;
  const hi = p.max ?? Number.POSITIVE_INFINITY;
  const center = Math.min(hi, Math.max(lo, value));
  const [a, b] = kind === 'log' ? [center / 1.5, center * 1.5] : [center - 10, center + 10];
  const round = (x: number) => Number(x.toPrecision(3));
  return { min: round(Math.max(lo, a)), max: round(Math.min(hi, b)) };
}

/**
 * A chosen ranking proposal as a campaign on a protocol that grafts its system: the protocol's dose, temperature,
 * time and concentration parameters searched around the proposed conditions (within the protocol's own ranges),
 * the targets the protocol's runs measure as objectives and as the stop rule, and (by default) the database as the
 * optimizer's prior. Returns the problems instead when the protocol does not fit.
 */
export function campaignFromProposal(
  proposal: RankProposal,
  protocol: ProtocolCandidate,
  modelVersion: string,
  options: ProposalCampaignOptions = {},
): ProposalCampaign | { problems: Problem[] } {
  const doc = protocol.document;
  if (!protocolGrafts(doc, proposal)) {
    const { polymer, monomers } = materialsOf(doc);
    return {
      problems: [
        {
          pointer: '/protocolId',
          message: `protocol ${protocol.id} grafts ${monomers[0] || 'an unnamed monomer'} on ${polymer || 'an unnamed base'}, not ${proposal.monomers.map((m) => m.name).join('+')} on ${proposal.basePolymer}`,
        },
      ],
    };
  }
  const params = (Array.isArray(doc.parameters) ? doc.parameters : []) as ProtocolParameter[];
  const numeric = params.filter((p) => (p.type ?? 'number') === 'number' && typeof p.name === 'string');
  const find = (names: readonly string[]) => numeric.find((p) => names.includes(p.name.toLowerCase()));
  const c = proposal.conditions;
  const space: Record<string, unknown>[] = [];
  const add = (p: ProtocolParameter | undefined, value: number, kind: 'log' | 'temperature') => {
    if (p)
      space.push({
        name: p.name,
        type: 'number',
        ...around(value, kind, p),
        ...(p.unit ? { unit: p.unit } : {}),
      });
  };
  add(find(CONDITION_PARAMETERS.doseKGy), c.doseKGy, 'log');
  add(find(CONDITION_PARAMETERS.temperatureC), c.temperatureC, 'temperature');
  add(find(CONDITION_PARAMETERS.timeH), c.timeH, 'log');
  const concentration =
    find(CONDITION_PARAMETERS.concentrationWtPct) ??
    numeric.find((p) => p.name.toLowerCase().endsWith('concentration') && (p.unit ?? 'wt%') === 'wt%');
  add(concentration, c.concentrationWtPct, 'log');
  if (space.length === 0)
    return {
      problems: [
        {
          pointer: '/protocolId',
          message: `protocol ${protocol.id} declares none of the dose, temperature, time or concentration parameters`,
        },
      ],
    };

  const outputs = (Array.isArray(doc.outputs) ? doc.outputs : []) as { name?: string; unit?: string }[];
  const targets: Record<string, unknown>[] = [];
  const stop: Record<string, { min?: number; max?: number }> = {};
  const unmeasured: string[] = [];
  for (const p of proposal.predictions) {
    const output = outputs.find((o) => o.name && findProperty(o.name)?.key === p.property);
    if (!output?.name || (p.at ?? 0) > 0) {
      unmeasured.push(p.at ? `${p.property} at ${p.at} h` : p.property);
      continue;
    }
    const from = parseUnit(p.unit);
    const to = parseUnit(output.unit ?? findProperty(output.name)!.unit);
    const inOutput = (v: number | undefined) =>
      v === undefined ? undefined : from && to && from.equalBase(to) ? convert(v, from, to) : v;
    const min = inOutput(p.min);
    const max = inOutput(p.max);
    const transform = p.property === 'degree_of_grafting' ? { transform: 'log1p' } : {};
    if (min !== undefined && max !== undefined)
      targets.push({ name: output.name, mode: 'match', value: (min + max) / 2, ...transform });
    else targets.push({ name: output.name, mode: min !== undefined ? 'max' : 'min', ...transform });
    stop[output.name] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  if (targets.length === 0)
    return {
      problems: [
        {
          pointer: '/protocolId',
          message: `protocol ${protocol.id} measures none of the targets (${unmeasured.join(', ')})`,
        },
      ],
    };
  const system = `${proposal.monomers[0].name} on ${proposal.basePolymer}`;
  return {
    protocol: { id: protocol.id, version: protocol.version },
    unmeasuredTargets: unmeasured,
    definition: {
      name: options.name ?? `${system}: rank #${proposal.rank} of MI model ${modelVersion}`,
      protocolId: protocol.id,
      protocolVersion: protocol.version,
      space: { parameters: space },
      objective: { targets },
      stopWhen: { outputs: stop },
      budget: options.budget ?? 12,
      batchSize: options.batchSize ?? 3,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.databasePrior === false ? {} : { prior: 'database' }),
      origin: {
        miModelVersion: modelVersion,
        proposal: { rank: proposal.rank, conditions: proposal.conditions },
      },
    },
  };
}

/** The body of POST /api/mi/campaigns and what `graftlab rank --campaign <n>` sends. */
export const PROPOSAL_CAMPAIGN_SCHEMA = z
  .object({
    spec: z.record(z.string(), z.unknown()),
    /** The proposal's rank in the ranking of `spec`. */
    proposal: z.number().int().min(1).max(500),
    /** The model version the proposal was read from: refused (409) when the model has changed since. */
    modelVersion: z.string().min(1).max(100).optional(),
    /** A stored protocol; default: the one stored protocol whose materials name the proposal's system. */
    protocolId: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional(),
    budget: z.number().int().min(1).max(1000).optional(),
    batchSize: z.number().int().min(1).max(100).optional(),
    seed: z.number().int().min(0).max(1_000_000).optional(),
    prior: z.enum(['none', 'database']).optional(),
  })
  .strict();

export type ProposalCampaignRequest = z.output<typeof PROPOSAL_CAMPAIGN_SCHEMA>;

export class ModelChanged extends Error {}

/**
 * A ranking proposal turned into a campaign definition: the spec is ranked again with the current model (cached,
 * so the same proposals), the proposal picked by rank, the protocol chosen (named, or the one stored protocol that
 * grafts that system), and the definition built for the ordinary campaign creation path.
 */
export async function proposalCampaignDefinition(
  service: MiModelService,
  protocols: () => Promise<readonly ProtocolCandidate[]>,
  body: unknown,
): Promise<ProposalCampaign & { proposal: RankProposal; modelVersion: string }> {
  const parsed = PROPOSAL_CAMPAIGN_SCHEMA.safeParse(body);
  if (!parsed.success) throw new DocumentError(zodProblems(parsed.error, body));
  const req = parsed.data;
  let ranking;
  try {
    ranking = await service.rank(req.spec);
  } catch (e) {
    if (e instanceof DocumentError)
      throw new DocumentError(e.problems.map((p) => ({ ...p, pointer: `/spec${p.pointer}` })));
    throw e;
  }
  if (req.modelVersion && req.modelVersion !== ranking.modelVersion)
    throw new ModelChanged(
      `the MI model changed since the ranking (${req.modelVersion} → ${ranking.modelVersion}): rank again`,
    );
  const proposal = ranking.proposals.find((p) => p.rank === req.proposal);
  if (!proposal)
    throw new DocumentError([
      { pointer: '/proposal', message: `the ranking has ${ranking.proposals.length} proposal(s)` },
    ]);
  const stored = await protocols();
  let protocol: ProtocolCandidate | undefined;
  if (req.protocolId) {
    protocol = stored.find((p) => p.id === req.protocolId);
    if (!protocol)
      throw new DocumentError([{ pointer: '/protocolId', message: `no stored protocol ${req.protocolId}` }]);
  } else {
    const fitting = stored.filter((p) => protocolGrafts(p.document, proposal));
    if (fitting.length !== 1)
      throw new DocumentError([
        {
          pointer: '/protocolId',
          message:
            fitting.length === 0
              ? `no stored protocol grafts ${proposal.monomers.map((m) => m.name).join('+')} on ${proposal.basePolymer}: store one, or name one`
              : `several stored protocols graft this system (${fitting.map((p) => p.id).join(', ')}): name one`,
        },
      ]);
    protocol = fitting[0];
  }
  const built = campaignFromProposal(proposal, protocol, ranking.modelVersion, {
    name: req.name,
    budget: req.budget,
    batchSize: req.batchSize,
    seed: req.seed,
    databasePrior: req.prior !== 'none',
  });
  if ('problems' in built) throw new DocumentError(built.problems);
  return { ...built, proposal, modelVersion: ranking.modelVersion };
}
