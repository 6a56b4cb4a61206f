import type { Parameter } from '@graftlab/optimizer';
import type { Protocol } from '@graftlab/protocol';
import { DocumentError, checkShape, toPointer, zodProblems, type Problem } from '@graftlab/validation';
import {
  campaignDefinitionSchema,
  type CampaignDefinition,
  type CampaignSettings,
  type MaterialSpec,
} from './campaign.schema';
import { optimizerParameter } from './material.variants';

type Path = readonly (string | number)[];
const at = (path: Path, message: string): Problem => ({ pointer: toPointer([...path]), message });
const THRESHOLD_WITHOUT_PARETO =
  'a threshold is the reference point of a Pareto objective: set objective.pareto, or remove it';

/** Parses the shape of a campaign definition (DocumentError with JSON pointers). */
export function parseCampaignDefinition(raw: unknown): CampaignDefinition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new DocumentError([{ pointer: '', message: 'expected a campaign object' }]);
  checkShape(raw);
  const parsed = campaignDefinitionSchema.safeParse(raw);
  if (!parsed.success) throw new DocumentError(zodProblems(parsed.error, raw));
  const def = parsed.data;
  if (def.protocol === undefined && def.protocolId === undefined)
    throw new DocumentError([at([], 'expected "protocolId" or "protocol" (a protocol document)')]);
  return def;
}

/** The protocol's parameters the optimizer may set, as a search space (booleans become "false"/"true"). */
export function protocolSpace(protocol: Protocol): Parameter[] {
  const out: Parameter[] = [];
  for (const p of protocol.parameters) {
    if (!p.optimize) continue;
    if (p.type === 'number')
      out.push({ name: p.name, type: 'number', min: p.min, max: p.max, ...(p.unit ? { unit: p.unit } : {}) });
    else if (p.type === 'choice') out.push({ name: p.name, type: 'categorical', choices: [...p.choices] });
    else if (p.type === 'boolean')
      out.push({ name: p.name, type: 'categorical', choices: ['false', 'true'] });
  }
  return out;
}

/**
 * Checks a definition against its protocol: the space is a subset of the protocol's declared parameters and
 * ranges, objectives name its outputs, costs/groupBy/envelope name searched parameters. Returns the settings.
 */
export function settingsFor(
  def: CampaignDefinition,
  protocol: Protocol,
  protocolVersion: number,
  /** Descriptor tables of material parameters, by index in the space (resolved from the database). */
  descriptorTables: ReadonlyMap<number, Record<string, Record<string, number>>> = new Map(),
  /** Problems found before (material variants, descriptors): reported with these. */
  earlier: readonly Problem[] = [],
): CampaignSettings {
  const problems: Problem[] = [...earlier];
  const declared = new Map(protocolSpace(protocol).map((p) => [p.name, p]));
  const all = new Map(protocol.parameters.map((p) => [p.name, p]));
  const parameters: Parameter[] = def.space
    ? def.space.parameters.map((p, i) => optimizerParameter(p, descriptorTables.get(i)))
    : [...declared.values()];
  const materials: Record<string, MaterialSpec> = {};
  for (const p of def.space?.parameters ?? [])
    if (p.type === 'categorical' && p.material && p.variants)
      materials[p.name] = { material: p.material, variants: p.variants };
  const seen = new Set<string>();
  parameters.forEach((p, i) => {
    const path = ['space', 'parameters', i];
    if (seen.has(p.name)) problems.push(at([...path, 'name'], `"${p.name}" is listed twice`));
    seen.add(p.name);
    const source = def.space?.parameters[i];
    if (source?.type === 'categorical' && source.material) {
      // A material is not a protocol parameter: its variants (checked before) change the protocol.
      if (all.has(p.name))
        problems.push(
          at([...path, 'name'], `"${p.name}" is a protocol parameter; name the material otherwise`),
        );
      return;
    }
    const own = declared.get(p.name);
    if (!own) {
      problems.push(
        at(
          [...path, 'name'],
          all.has(p.name)
            ? `protocol parameter "${p.name}" is not optimizable (optimize: false or text)`
            : `"${p.name}" is not a parameter of protocol ${protocol.id}`,
        ),
      );
      return;
    }
    if (own.type !== p.type) {
      problems.push(at([...path, 'type'], `"${p.name}" is ${own.type} in the protocol`));
      return;
    }
    if (p.type === 'number' && own.type === 'number') {
      if (p.min >= p.max) problems.push(at([...path, 'max'], `max must be above min (${p.min})`));
      if (p.min < own.min)
        problems.push(at([...path, 'min'], `below the protocol's minimum ${own.min}${unit(own.unit)}`));
      if (p.max > own.max)
        problems.push(at([...path, 'max'], `above the protocol's maximum ${own.max}${unit(own.unit)}`));
      if (p.unit !== undefined && own.unit !== undefined && p.unit !== own.unit)
        problems.push(at([...path, 'unit'], `the protocol declares "${p.name}" in ${own.unit}`));
    }
    if (p.type === 'categorical' && own.type === 'categorical') {
      p.choices.forEach((c, j) => {
        if (!own.choices.includes(c))
          problems.push(
            at([...path, 'choices', j], `"${c}" is not a choice of the protocol (${own.choices.join(', ')})`),
          );
      });
    }
  });
  const space = new Map(parameters.map((p) => [p.name, p]));
  const outputs = new Set(protocol.outputs.map((o) => o.name));
  def.objective.targets.forEach((t, i) => {
    if (!outputs.has(t.name))
      problems.push(
        at(['objective', 'targets', i, 'name'], `protocol ${protocol.id} has no output "${t.name}"`),
      );
    if (t.mode === 'match' && t.value === undefined)
      problems.push(at(['objective', 'targets', i, 'value'], 'a match target needs a value'));
    if (def.objective.pareto && t.mode === 'match')
      problems.push(
        at(
          ['objective', 'targets', i, 'mode'],
          'a Pareto objective is "max" or "min" (a window on an output is a constraint)',
        ),
      );
    if (!def.objective.pareto && t.threshold !== undefined)
      problems.push(at(['objective', 'targets', i, 'threshold'], THRESHOLD_WITHOUT_PARETO));
  });
  (def.objective.constraints ?? []).forEach((c, i) => {
    if (!outputs.has(c.name))
      problems.push(
        at(['objective', 'constraints', i, 'name'], `protocol ${protocol.id} has no output "${c.name}"`),
      );
    if (c.min === undefined && c.max === undefined)
      problems.push(at(['objective', 'constraints', i], 'give min, max or both'));
  });
  (def.objective.costs ?? []).forEach((c, i) => {
    const p = space.get(c.parameter);
    if (p?.type !== 'number')
      problems.push(
        at(['objective', 'costs', i, 'parameter'], `"${c.parameter}" is not a numeric searched parameter`),
      );
    if (c.threshold === undefined) return;
    if (!def.objective.pareto)
      problems.push(at(['objective', 'costs', i, 'threshold'], THRESHOLD_WITHOUT_PARETO));
    else if (p?.type === 'number' && !(c.threshold > p.min))
      problems.push(
        at(
          ['objective', 'costs', i, 'threshold'],
          `threshold ${c.threshold} is not above the minimum ${p.min} of "${c.parameter}": no setting could count`,
        ),
      );
  });
  for (const name of Object.keys(def.stopWhen?.outputs ?? {}))
    if (!outputs.has(name))
      problems.push(at(['stopWhen', 'outputs', name], `protocol has no output "${name}"`));
  for (const [name, value] of Object.entries(def.fixed ?? {})) {
    if (!all.has(name))
      problems.push(at(['fixed', name], `"${name}" is not a parameter of protocol ${protocol.id}`));
    else if (space.has(name))
      problems.push(at(['fixed', name], `"${name}" is searched; it cannot also be fixed`));
    else if (typeof value === 'number' && all.get(name)?.type === 'number') {
      const own = all.get(name);
      if (own?.type === 'number' && (value < own.min || value > own.max))
        problems.push(at(['fixed', name], `outside the protocol's range ${own.min}–${own.max}`));
    }
  }
  (def.groupBy ?? []).forEach((name, i) => {
    if (!space.has(name)) problems.push(at(['groupBy', i], `"${name}" is not a searched parameter`));
  });
  for (const [name, bound] of Object.entries(def.autonomyEnvelope?.parameters ?? {})) {
    const path = ['autonomyEnvelope', 'parameters', name];
    const p = space.get(name);
    if (!p) {
      problems.push(at(path, `"${name}" is not a searched parameter`));
      continue;
    }
    if ('choices' in bound) {
      if (p.type !== 'categorical') problems.push(at(path, `"${name}" is numeric: give min and max`));
      else
        bound.choices.forEach((c, j) => {
          if (!p.choices.includes(c))
            problems.push(at([...path, 'choices', j], `"${c}" is not a choice of the space`));
        });
    } else {
      if (p.type !== 'number') problems.push(at(path, `"${name}" is categorical: give choices`));
      if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max)
        problems.push(at([...path, 'max'], 'max is below min'));
    }
  }
  if (def.batchSize > def.budget) problems.push(at(['batchSize'], `larger than the budget (${def.budget})`));
  if (def.optimizer?.kind === 'http') {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(def.optimizer.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) problems.push(at(['optimizer', 'url'], 'expected an http or https URL'));
  }
  const prior = def.prior ?? 'none';
  if (prior !== 'none' && def.optimizer?.kind === 'http')
    problems.push(
      at(['prior'], 'a database prior needs the builtin optimizer (an http optimizer brings its own)'),
    );
  if (typeof prior === 'object' && !prior.campaigns?.length && !prior.systems?.length)
    problems.push(at(['prior'], 'name at least one campaign or material system as related tasks'));
  if (def.prior !== undefined && def.prior !== 'none' && Object.keys(materials).length)
    problems.push(
      at(
        ['prior'],
        'a prior together with material parameters is not supported yet (the optimizer relates the materials through their descriptors)',
      ),
    );
  if (problems.length) throw new DocumentError(problems);
  return {
    name: def.name ?? null,
    protocolId: protocol.id,
    protocolVersion,
    parameters,
    fixed: def.fixed ?? {},
    objective: def.objective,
    ...(def.stopWhen ? { stopWhen: def.stopWhen } : {}),
    budget: def.budget,
    batchSize: def.batchSize,
    seed: def.seed ?? 0,
    strategy: def.strategy ?? 'bayesian',
    optimizer: def.optimizer ?? { kind: 'builtin' },
    ...(def.autonomyEnvelope ? { autonomyEnvelope: def.autonomyEnvelope } : {}),
    groupBy: def.groupBy ?? [],
    limits: def.limits ?? {},
    prior: def.prior ?? 'none',
    ...(def.origin ? { origin: def.origin } : {}),
    ...(Object.keys(materials).length ? { materials } : {}),
  };
}

function unit(u: string | undefined): string {
  return u ? ` ${u}` : '';
}
