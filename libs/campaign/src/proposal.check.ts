import type { Inventory } from '@graftlab/inventory';
import type { Params } from '@graftlab/optimizer';
import { checkSafety, compileProtocol, type ExecutionPlan, type Protocol } from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import type { CampaignSettings } from './campaign.schema';
import { protocolFor, variantParameters } from './material.variants';

/** What the campaign has committed so far (approved, queued and finished runs). */
export interface CampaignUsage {
  doseGy: number;
  readonly consumablesMl: Record<string, number>;
}

export type ProposalCheck =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly plan: ExecutionPlan;
      /** True when the proposal may be queued without a person. */
      readonly autonomous: boolean;
      /** Why a person must approve it (outside the envelope, dose above the lab's approval limit). */
      readonly needsApproval: readonly string[];
      readonly doseGy: number;
      readonly consumablesMl: Readonly<Record<string, number>>;
    };

/** The protocol parameter values of a proposal: searched values, the campaign's fixed ones, booleans restored. */
export function runParameters(
  protocol: Protocol,
  settings: CampaignSettings,
  params: Params,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...settings.fixed,
    ...variantParameters(settings.materials, params),
  };
  for (const [name, value] of Object.entries(params)) {
    // A material choice is not a protocol parameter: its variant changed the protocol instead.
    if (settings.materials?.[name]) continue;
    const declared = protocol.parameters.find((p) => p.name === name);
    if (declared?.type === 'boolean') out[name] = value === 'true';
    else if (declared?.type === 'number' && declared.integer && typeof value === 'number')
      out[name] = Math.round(value);
    else out[name] = value;
  }
  return out;
}

/** Inside the autonomy envelope: every searched parameter listed and within its bounds. */
export function outsideEnvelope(settings: CampaignSettings, params: Params): string[] {
  const envelope = settings.autonomyEnvelope;
  if (!envelope) return ['the campaign has no autonomy envelope'];
  const out: string[] = [];
  for (const p of settings.parameters) {
    const bound = envelope.parameters[p.name];
    const value = params[p.name];
    if (!bound) {
      out.push(`${p.name} is not covered by the autonomy envelope`);
      continue;
    }
    if ('choices' in bound) {
      if (!bound.choices.includes(String(value)))
        out.push(`${p.name} = ${String(value)} is not among ${bound.choices.join(', ')}`);
    } else if (typeof value === 'number') {
      if (bound.min !== undefined && value < bound.min)
        out.push(`${p.name} = ${fmt(value)} is below the envelope's ${bound.min}`);
      if (bound.max !== undefined && value > bound.max)
        out.push(`${p.name} = ${fmt(value)} is above the envelope's ${bound.max}`);
    }
  }
  return out;
}

/**
 * The approval gate's check of one proposal (orchestrator anchors §5.8): it compiles (schema and parameter
 * ranges), passes the safety envelope, and fits the campaign's dose and consumables budgets given `usage`;
 * then whether it may run without a person (autonomy envelope, and never a dose needing a safety officer).
 */
export function checkProposal(
  protocol: Protocol,
  settings: CampaignSettings,
  params: Params,
  inventory: Inventory,
  usage: CampaignUsage,
  now: Date,
): ProposalCheck {
  let plan: ExecutionPlan;
  try {
    // With material parameters, the protocol variant of the proposal's materials.
    const run = protocolFor(protocol, settings.materials, params).protocol;
    plan = compileProtocol(run, runParameters(run, settings, params), inventory, { now });
  } catch (e) {
    if (e instanceof DocumentError)
      return {
        ok: false,
        reason: `does not compile: ${e.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ')}`,
      };
    throw e;
  }
  const safety = checkSafety(plan, inventory);
  if (safety.length)
    return {
      ok: false,
      reason: `outside the safety envelope: ${safety.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`,
    };
  const doseGy = plan.dosePerRun.si;
  const limit = settings.limits.totalDoseKGy;
  if (limit !== undefined && (usage.doseGy + doseGy) / 1000 > limit + 1e-9)
    return {
      ok: false,
      reason: `dose budget: ${fmt(doseGy / 1000)} kGy more would bring the campaign to ${fmt((usage.doseGy + doseGy) / 1000)} kGy, above its ${limit} kGy`,
    };
  const consumablesMl: Record<string, number> = {};
  for (const c of plan.consumables)
    if (c.volume) consumablesMl[c.reagent] = (consumablesMl[c.reagent] ?? 0) + c.volume.si * 1e6;
  for (const [reagent, max] of Object.entries(settings.limits.consumablesMl ?? {})) {
    const total = (usage.consumablesMl[reagent] ?? 0) + (consumablesMl[reagent] ?? 0);
    if (total > max + 1e-9)
      return {
        ok: false,
        reason: `consumables budget: ${reagent} would reach ${fmt(total)} mL, above the campaign's ${max} mL`,
      };
  }
  const needsApproval = outsideEnvelope(settings, params);
  if (plan.requiresApproval)
    needsApproval.push(
      `dose ${fmt(plan.dosePerSample.si / 1000)} kGy is above the lab's approval limit (${fmt(plan.safety.approvalDoseGy / 1000)} kGy): a safety officer must approve`,
    );
  return { ok: true, plan, autonomous: needsApproval.length === 0, needsApproval, doseGy, consumablesMl };
}

/** Adds a checked proposal to the campaign's usage. */
export function addUsage(
  usage: CampaignUsage,
  check: { doseGy: number; consumablesMl: Readonly<Record<string, number>> },
): void {
  usage.doseGy += check.doseGy;
  for (const [k, v] of Object.entries(check.consumablesMl))
    usage.consumablesMl[k] = (usage.consumablesMl[k] ?? 0) + v;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
