import type { z } from 'zod';
import { DocumentError, toPointer, zodProblems, type Problem } from '@graftlab/validation';
import { observationsSchema, type Observation } from './observation.schema';
import { spaceSchema, type Params, type SearchSpace } from './space.schema';
import {
  suggestRequestSchema,
  suggestResponseSchema,
  type Candidate,
  type SuggestRequest,
  type SuggestResponse,
} from './suggest.schema';

type Path = readonly (string | number)[];
const at = (path: Path, message: string): Problem => ({ pointer: toPointer(path), message });

/** A descriptor table covers every choice (and only the choices) with the same finite numbers. */
export function descriptorProblems(
  choices: readonly string[],
  descriptors: Readonly<Record<string, Readonly<Record<string, number>>>>,
  path: Path,
): Problem[] {
  const problems: Problem[] = [];
  const names = new Set(Object.values(descriptors).flatMap((d) => Object.keys(d)));
  if (names.size === 0)
    problems.push(at([...path, 'descriptors'], 'give at least one descriptor per choice'));
  for (const key of Object.keys(descriptors))
    if (!choices.includes(key))
      problems.push(at([...path, 'descriptors', key], `"${key}" is not a choice (${choices.join(', ')})`));
  for (const c of choices) {
    const d = descriptors[c];
    if (!d) {
      problems.push(at([...path, 'descriptors'], `no descriptors for choice "${c}"`));
      continue;
    }
    for (const name of names)
      if (d[name] === undefined)
        problems.push(
          at([...path, 'descriptors', c], `"${c}" lacks descriptor "${name}" (every choice needs the same)`),
        );
      else if (!Number.isFinite(d[name]))
        problems.push(at([...path, 'descriptors', c, name], `expected a finite number`));
  }
  return problems;
}

/** Checks zod cannot express: ranges, unique names, match values, costs on numeric parameters. */
function spaceProblems(space: SearchSpace, base: Path = []): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  space.parameters.forEach((p, i) => {
    if (seen.has(p.name))
      problems.push(at([...base, 'parameters', i, 'name'], `duplicate parameter "${p.name}"`));
    seen.set(p.name, i);
    if (p.type === 'number' && !(p.max > p.min))
      problems.push(at([...base, 'parameters', i, 'max'], `max ${p.max} must be greater than min ${p.min}`));
    if (p.type === 'number' && p.scale === 'log' && !(p.min > 0))
      problems.push(at([...base, 'parameters', i, 'min'], `a log scale needs min > 0, got ${p.min}`));
    if (p.type === 'categorical') {
      const choices = new Set<string>();
      p.choices.forEach((c, j) => {
        if (choices.has(c))
          problems.push(at([...base, 'parameters', i, 'choices', j], `duplicate choice "${c}"`));
        choices.add(c);
      });
      if (p.descriptors)
        problems.push(...descriptorProblems(p.choices, p.descriptors, [...base, 'parameters', i]));
    }
  });
  const targets = new Set<string>();
  space.objective.targets.forEach((t, i) => {
    if (targets.has(t.name))
      problems.push(at([...base, 'objective', 'targets', i, 'name'], `duplicate target "${t.name}"`));
    targets.add(t.name);
    if (t.mode === 'match' && t.value === undefined)
      problems.push(at([...base, 'objective', 'targets', i, 'value'], 'a "match" target needs a value'));
  });
  if (space.objective.pareto)
    space.objective.targets.forEach((t, i) => {
      if (t.mode === 'match')
        problems.push(
          at(
            [...base, 'objective', 'targets', i, 'mode'],
            'a Pareto objective is "max" or "min" (a window on an output is a constraint)',
          ),
        );
    });
  space.objective.targets.forEach((t, i) => {
    if (t.threshold !== undefined && !space.objective.pareto)
      problems.push(
        at(
          [...base, 'objective', 'targets', i, 'threshold'],
          'a threshold is the reference point of a Pareto objective: set objective.pareto, or remove it',
        ),
      );
  });
  const constrained = new Set<string>();
  (space.objective.constraints ?? []).forEach((c, i) => {
    const pointer = [...base, 'objective', 'constraints', i];
    if (constrained.has(c.name)) problems.push(at([...pointer, 'name'], `duplicate constraint "${c.name}"`));
    constrained.add(c.name);
    if (seen.has(c.name))
      problems.push(at([...pointer, 'name'], `"${c.name}" is a parameter; constraints are on outputs`));
    if (c.min === undefined && c.max === undefined) problems.push(at(pointer, 'give min, max or both'));
    if (c.min !== undefined && c.max !== undefined && !(c.max > c.min))
      problems.push(at([...pointer, 'max'], `max ${c.max} must be greater than min ${c.min}`));
  });
  (space.objective.costs ?? []).forEach((c, i) => {
    const index = seen.get(c.parameter);
    const pointer = [...base, 'objective', 'costs', i, 'parameter'];
    if (index === undefined) problems.push(at(pointer, `unknown parameter "${c.parameter}"`));
    else if (space.parameters[index].type !== 'number')
      problems.push(at(pointer, `cost on "${c.parameter}", which is not a numeric parameter`));
    if (c.threshold === undefined) return;
    const thresholdPointer = [...base, 'objective', 'costs', i, 'threshold'];
    const p = index === undefined ? undefined : space.parameters[index];
    if (!space.objective.pareto)
      problems.push(
        at(
          thresholdPointer,
          'a threshold is the reference point of a Pareto objective: set objective.pareto, or remove it',
        ),
      );
    else if (p?.type === 'number' && !(c.threshold > p.min))
      problems.push(
        at(
          thresholdPointer,
          `threshold ${c.threshold} is not above the minimum ${p.min} of "${c.parameter}": no setting could count`,
        ),
      );
  });
  return problems;
}

/** Problems with one set of parameter values against the space (every parameter, inside its range). */
export function paramsProblems(space: SearchSpace, params: Params, base: Path): Problem[] {
  const problems: Problem[] = [];
  const names = new Set(space.parameters.map((p) => p.name));
  for (const key of Object.keys(params))
    if (!names.has(key)) problems.push(at([...base, key], `unknown parameter "${key}"`));
  for (const p of space.parameters) {
    const value = params[p.name];
    const pointer = [...base, p.name];
    if (value === undefined) {
      problems.push(at(pointer, `missing parameter "${p.name}"`));
    } else if (p.type === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value))
        problems.push(at(pointer, `expected a number, found ${JSON.stringify(value)}`));
      else if (value < p.min || value > p.max)
        problems.push(at(pointer, `${value} is outside the space [${p.min}, ${p.max}]`));
    } else if (typeof value !== 'string' || !p.choices.includes(value)) {
      problems.push(at(pointer, `${JSON.stringify(value)} is not one of ${p.choices.join(', ')}`));
    }
  }
  return problems;
}

function observationProblems(
  space: SearchSpace,
  observations: readonly Observation[],
  base: Path,
): Problem[] {
  const problems: Problem[] = [];
  observations.forEach((o, i) => {
    problems.push(...paramsProblems(space, o.params, [...base, i, 'params']));
    switch (o.status) {
      case 'completed': {
        if (!o.outputs) {
          problems.push(at([...base, i, 'outputs'], 'a completed observation needs outputs'));
          break;
        }
        for (const t of space.objective.targets) {
          const y = o.outputs[t.name];
          if (y === undefined)
            problems.push(
              at([...base, i, 'outputs'], `missing output "${t.name}" for a completed observation`),
            );
          else if (t.transform === 'log1p' && !(y > -1))
            problems.push(
              at([...base, i, 'outputs', t.name], `${y} cannot be log1p-transformed (must be > -1)`),
            );
        }
        for (const c of space.objective.constraints ?? [])
          if (o.outputs[c.name] === undefined)
            problems.push(
              at(
                [...base, i, 'outputs'],
                `missing output "${c.name}" (constrained) for a completed observation`,
              ),
            );
        for (const key of Object.keys(o.uncertainty ?? {}))
          if (o.outputs[key] === undefined)
            problems.push(
              at([...base, i, 'uncertainty', key], `uncertainty for "${key}", which has no output`),
            );
        break;
      }
      case 'failed':
      case 'pending':
        if (o.outputs && Object.keys(o.outputs).length > 0)
          problems.push(at([...base, i, 'outputs'], `a ${o.status} observation has no outputs`));
        break;
    }
  });
  return problems;
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw new DocumentError(zodProblems(result.error, raw));
  return result.data;
}

/** A search space document, or a DocumentError with pointers into it (e.g. /parameters/1/max). */
export function parseSpace(raw: unknown): SearchSpace {
  const space = parseWith(spaceSchema, raw);
  const problems = spaceProblems(space);
  if (problems.length) throw new DocumentError(problems);
  return space;
}

/** An observations document (an array) checked against a space; pointers like /3/params/dose. */
export function parseObservations(raw: unknown, space: SearchSpace): Observation[] {
  const observations = parseWith(observationsSchema, raw);
  const problems = observationProblems(space, observations, []);
  if (problems.length) throw new DocumentError(problems);
  return observations;
}

/** A whole suggest request; pointers like /space/parameters/1/max or /observations/3/params/dose. */
export function parseSuggestRequest(raw: unknown): SuggestRequest {
  const request = parseWith(suggestRequestSchema, raw);
  const problems = spaceProblems(request.space, ['space']);
  if (problems.length) throw new DocumentError(problems);
  problems.push(...observationProblems(request.space, request.observations, ['observations']));
  const names = new Set(request.space.parameters.map((p) => p.name));
  (request.groupBy ?? []).forEach((name, i) => {
    if (!names.has(name)) problems.push(at(['groupBy', i], `unknown parameter "${name}"`));
  });
  if (problems.length) throw new DocumentError(problems);
  return request;
}

/**
 * A reply from any optimizer checked against the request: the right number of candidates, each inside the
 * space, grouped parameters shared. Pointers like /candidates/2/params/dose.
 */
export function parseSuggestResponse(raw: unknown, request: SuggestRequest): SuggestResponse {
  const reply = parseWith(suggestResponseSchema, raw);
  const problems: Problem[] = [];
  if (reply.candidates.length !== request.batchSize)
    problems.push(
      at(['candidates'], `expected ${request.batchSize} candidates, found ${reply.candidates.length}`),
    );
  reply.candidates.forEach((c, i) =>
    problems.push(...paramsProblems(request.space, c.params, ['candidates', i, 'params'])),
  );
  for (const name of request.groupBy ?? []) {
    const first = reply.candidates[0]?.params[name];
    reply.candidates.forEach((c, i) => {
      if (c.params[name] !== first)
        problems.push(at(['candidates', i, 'params', name], `must equal ${JSON.stringify(first)} (grouped)`));
    });
  }
  if (problems.length) throw new DocumentError(problems);
  const candidates: Candidate[] = reply.candidates.map((c) =>
    c.acquisitionValue === undefined
      ? { params: c.params }
      : { params: c.params, acquisitionValue: c.acquisitionValue },
  );
  return {
    candidates,
    modelVersion: reply.modelVersion ?? 'external',
    strategy: reply.strategy ?? 'external',
  };
}
