import { asc, desc, eq } from 'drizzle-orm';
import {
  campaigns,
  suggestions,
  type Campaign,
  type Db,
  type NewCampaign,
  type Suggestion,
} from '@graftlab/db';
import type { Objective, Parameter } from '@graftlab/optimizer';
import type { CampaignSettings, EnvelopeBound, OptimizerChoiceInput } from './campaign.schema';

/**
 * The campaigns table has columns for the space, objective, budget, batch size, envelope and optimizer; the
 * other settings (protocol version, fixed values, seed, strategy, groupBy, limits, stop rule) travel inside the
 * `space` JSON next to its parameters until the table grows a settings column.
 */
interface StoredSpace {
  readonly parameters: readonly Parameter[];
  readonly protocolVersion: number;
  readonly fixed: Readonly<Record<string, number | string | boolean>>;
  readonly seed: number;
  readonly strategy: CampaignSettings['strategy'];
  readonly groupBy: readonly string[];
  readonly limits: CampaignSettings['limits'];
  readonly stopWhen?: CampaignSettings['stopWhen'];
  readonly prior?: CampaignSettings['prior'];
  readonly origin?: CampaignSettings['origin'];
  readonly materials?: CampaignSettings['materials'];
}

export function campaignRow(
  id: string,
  settings: CampaignSettings,
  createdBy: string | undefined,
): NewCampaign & { id: string } {
  const space: StoredSpace = {
    parameters: settings.parameters,
    protocolVersion: settings.protocolVersion,
    fixed: settings.fixed,
    seed: settings.seed,
    strategy: settings.strategy,
    groupBy: settings.groupBy,
    limits: settings.limits,
    ...(settings.stopWhen ? { stopWhen: settings.stopWhen } : {}),
    ...(settings.prior !== 'none' ? { prior: settings.prior } : {}),
    ...(settings.origin ? { origin: settings.origin } : {}),
    ...(settings.materials ? { materials: settings.materials } : {}),
  };
  return {
    id,
    name: settings.name,
    protocolId: settings.protocolId,
    space: space as unknown as Record<string, unknown>,
    objective: settings.objective as unknown as Record<string, unknown>,
    budget: settings.budget,
    batchSize: settings.batchSize,
    autonomyEnvelope: (settings.autonomyEnvelope ?? {}) as Record<string, unknown>,
    state: 'active',
    optimizerKind: settings.optimizer.kind,
    optimizerUrl: settings.optimizer.kind === 'http' ? settings.optimizer.url : null,
    createdBy: createdBy ?? null,
  };
}

export function settingsOf(row: Campaign): CampaignSettings {
  const space = row.space as unknown as StoredSpace;
  const envelope = row.autonomyEnvelope as { parameters?: Record<string, EnvelopeBound> };
  const optimizer: OptimizerChoiceInput =
    row.optimizerKind === 'http' ? { kind: 'http', url: row.optimizerUrl ?? '' } : { kind: 'builtin' };
  return {
    name: row.name,
    protocolId: row.protocolId,
    protocolVersion: space.protocolVersion,
    parameters: space.parameters,
    fixed: space.fixed ?? {},
    objective: row.objective as unknown as Objective,
    ...(space.stopWhen ? { stopWhen: space.stopWhen } : {}),
    budget: row.budget,
    batchSize: row.batchSize,
    seed: space.seed ?? 0,
    strategy: space.strategy ?? 'bayesian',
    optimizer,
    ...(envelope.parameters ? { autonomyEnvelope: { parameters: envelope.parameters } } : {}),
    groupBy: space.groupBy ?? [],
    limits: space.limits ?? {},
    prior: space.prior ?? 'none',
    ...(space.origin ? { origin: space.origin } : {}),
    ...(space.materials ? { materials: space.materials } : {}),
  };
}

/** Small queries the campaigns repository does not have (yet). */
export async function listCampaigns(db: Db, state?: Campaign['state']): Promise<Campaign[]> {
  const query = db.select().from(campaigns);
  return (state ? query.where(eq(campaigns.state, state)) : query).orderBy(
    desc(campaigns.createdAt),
    asc(campaigns.id),
  );
}

export async function suggestionById(db: Db, id: string): Promise<Suggestion | undefined> {
  const [row] = await db.select().from(suggestions).where(eq(suggestions.id, id));
  return row;
}
