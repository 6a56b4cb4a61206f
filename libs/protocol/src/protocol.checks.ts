import type { Problem } from '@graftlab/validation';
import { checkExpression, ExpressionError } from './expression.evaluator';
import { materialsSchema } from './materials.schema';
import type { ParameterValue } from './parameters.schema';
import { parameterScope, resolveField, type ParameterScope } from './parameter.scope';
import { protocolSafetySchema, timeWindowSchema, type Protocol } from './protocol.schema';
import { quantityFields, type QuantityField } from './quantity.fields';
import { flattenSteps } from './step.catalog';
import { STEP_SCHEMAS, type Step } from './steps.schema';
import { parseUnit } from './units.registry';

/** Default values of the declared parameters (the values used when validating without a run). */
export function parameterDefaults(protocol: Protocol): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const p of protocol.parameters) out[p.name] = p.default;
  return out;
}

/** Every quantity field of the document: materials, safety, steps (nested too) and time windows. */
export function documentQuantityFields(protocol: Protocol): QuantityField[] {
  const fields = [
    ...quantityFields(materialsSchema, protocol.materials, '/materials'),
    ...quantityFields(protocolSafetySchema, protocol.safety, '/safety'),
  ];
  for (const { step, pointer } of flattenSteps(protocol.steps)) {
    fields.push(...quantityFields(STEP_SCHEMAS[step.type], step, pointer));
  }
  protocol.timeWindows.forEach((w, i) =>
    fields.push(...quantityFields(timeWindowSchema, w, `/timeWindows/${i}`)),
  );
  return fields;
}

function checkParameters(protocol: Protocol): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  protocol.parameters.forEach((p, i) => {
    const at = `/parameters/${i}`;
    if (seen.has(p.name))
      problems.push({ pointer: `${at}/name`, message: `duplicate parameter "${p.name}"` });
    seen.add(p.name);
    switch (p.type) {
      case 'number':
        if (p.unit !== undefined && !parseUnit(p.unit)) {
          problems.push({ pointer: `${at}/unit`, message: `unknown unit "${p.unit}"` });
        }
        if (!(p.min <= p.max))
          problems.push({ pointer: `${at}/max`, message: `max ${p.max} is below min ${p.min}` });
        if (p.default < p.min || p.default > p.max) {
          problems.push({
            pointer: `${at}/default`,
            message: `default ${p.default} is outside ${p.min}..${p.max}`,
          });
        }
        if (p.integer && !Number.isInteger(p.default)) {
          problems.push({ pointer: `${at}/default`, message: 'default must be an integer' });
        }
        break;
      case 'choice':
        if (new Set(p.choices).size !== p.choices.length) {
          problems.push({ pointer: `${at}/choices`, message: 'choices must be unique' });
        }
        if (!p.choices.includes(p.default)) {
          problems.push({
            pointer: `${at}/default`,
            message: `default "${p.default}" is not one of the choices`,
          });
        }
        break;
      case 'text':
        if (p.default.length > p.maxLength) {
          problems.push({
            pointer: `${at}/default`,
            message: `default is longer than ${p.maxLength} characters`,
          });
        }
        break;
      case 'boolean':
        break;
    }
  });
  return problems;
}

/** One-of and either-or rules the field schemas cannot say on their own. */
function checkStepShape(step: Step, at: string): Problem[] {
  const problems: Problem[] = [];
  const exactlyOne = (a: unknown, b: unknown, names: [string, string]) => {
    if ((a === undefined) === (b === undefined)) {
      problems.push({
        pointer: at,
        message: `a ${step.type} step needs exactly one of "${names[0]}" or "${names[1]}"`,
      });
    }
  };
  switch (step.type) {
    case 'irradiate':
      exactlyOne(step.dose, step.exposure, ['dose', 'exposure']);
      break;
    case 'dispense':
      exactlyOne(step.volume, step.mass, ['volume', 'mass']);
      break;
    case 'wash':
      if (step.cycles === undefined && !step.untilConstantMass) {
        problems.push({ pointer: at, message: 'a wash step needs "cycles" or "untilConstantMass": true' });
      }
      break;
    case 'dry':
      if (step.duration === undefined && step.untilConstantMass === undefined) {
        problems.push({ pointer: at, message: 'a dry step needs "duration" or "untilConstantMass"' });
      }
      break;
    case 'transfer':
      if (step.from === step.to)
        problems.push({ pointer: `${at}/to`, message: 'a transfer must go somewhere else' });
      break;
    case 'weigh':
    case 'purge':
    case 'evacuate-refill':
    case 'store':
    case 'heat':
    case 'hold':
    case 'stir':
    case 'wait':
    case 'drain':
    case 'measure':
    case 'prompt':
    case 'parallel':
    case 'functionalize':
    case 'titrate':
    case 'impedance':
    case 'soak':
      break;
  }
  return problems;
}

/** Events ordered by the step sequence: each step's start before its end, siblings in order. */
function orderEdges(steps: readonly Step[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  const add = (a: string, b: string) => edges.set(a, [...(edges.get(a) ?? []), b]);
  const visit = (list: readonly Step[], parent: Step | undefined) => {
    list.forEach((s, i) => {
      add(`${s.key}.start`, `${s.key}.end`);
      if (parent?.type === 'parallel') {
        add(`${parent.key}.start`, `${s.key}.start`);
        add(`${s.key}.end`, `${parent.key}.end`);
      } else if (i > 0) {
        add(`${list[i - 1].key}.end`, `${s.key}.start`);
      }
      if (s.type === 'parallel') visit(s.steps, s);
    });
  };
  visit(steps, undefined);
  return edges;
}

function reachable(edges: Map<string, string[]>, from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length) {
    const n = queue.shift()!;
    if (n === to) return true;
    for (const m of edges.get(n) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
    }
  }
  return false;
}

function checkTimeWindows(protocol: Protocol, keys: Set<string>, scope: ParameterScope): Problem[] {
  const problems: Problem[] = [];
  const edges = orderEdges(protocol.steps);
  protocol.timeWindows.forEach((w, i) => {
    const at = `/timeWindows/${i}`;
    let known = true;
    for (const end of ['from', 'to'] as const) {
      const key = w[end].slice(0, w[end].lastIndexOf('.'));
      if (!keys.has(key)) {
        problems.push({ pointer: `${at}/${end}`, message: `no step has the key "${key}"` });
        known = false;
      }
    }
    if (w.min === undefined && w.max === undefined) {
      problems.push({ pointer: at, message: 'a time window needs "min", "max" or both' });
    }
    if (w.min !== undefined && w.max !== undefined) {
      const min = resolveField(w.min, { kind: 'time' }, scope, `${at}/min`);
      const max = resolveField(w.max, { kind: 'time' }, scope, `${at}/max`);
      if ('value' in min && 'value' in max && min.value.si > max.value.si) {
        problems.push({ pointer: `${at}/max`, message: `max ${w.max} is below min ${w.min}` });
      }
    }
    if (!known) return;
    // A window whose end is already ordered before its start can never be met: a cycle in time.
    if (w.from === w.to || reachable(edges, w.to, w.from)) {
      problems.push({
        pointer: at,
        message: `time window ${w.from} → ${w.to} forms a cycle: "${w.to}" happens before "${w.from}"`,
      });
      return;
    }
    edges.set(w.from, [...(edges.get(w.from) ?? []), w.to]);
  });
  return problems;
}

/**
 * Cross-field checks of a schema-valid protocol: unique keys and names, references that resolve,
 * every quantity expression evaluated with the parameter defaults (dimension and limits),
 * outputs naming only values the protocol records, and time windows without cycles.
 */
export function checkProtocol(protocol: Protocol): Problem[] {
  const problems: Problem[] = checkParameters(protocol);
  const scope = parameterScope(protocol.parameters, parameterDefaults(protocol));
  const flat = flattenSteps(protocol.steps);

  const keys = new Set<string>();
  const recorded = new Map<string, string>();
  const reagents = new Set(protocol.materials.reagents.map((r) => r.id));
  const reagentSeen = new Set<string>();
  protocol.materials.reagents.forEach((r, i) => {
    if (reagentSeen.has(r.id)) {
      problems.push({ pointer: `/materials/reagents/${i}/id`, message: `duplicate reagent "${r.id}"` });
    }
    reagentSeen.add(r.id);
  });

  for (const { step, pointer } of flat) {
    if (keys.has(step.key))
      problems.push({ pointer: `${pointer}/key`, message: `duplicate step key "${step.key}"` });
    keys.add(step.key);
    problems.push(...checkStepShape(step, pointer));
    // Titrate and impedance steps record a value when they name one.
    const record =
      step.type === 'weigh' || step.type === 'measure' || step.type === 'titrate' || step.type === 'impedance'
        ? step.record
        : undefined;
    if (record !== undefined) {
      if (recorded.has(record)) {
        problems.push({
          pointer: `${pointer}/record`,
          message: `"${record}" is already recorded by step "${recorded.get(record)}"`,
        });
      } else if (scope.declared.has(record)) {
        problems.push({
          pointer: `${pointer}/record`,
          message: `"${record}" is already a parameter name`,
        });
      }
      recorded.set(record, step.key);
    }
    if (step.type === 'dispense' && !reagents.has(step.reagent)) {
      problems.push({
        pointer: `${pointer}/reagent`,
        message: `unknown reagent "${step.reagent}"; declare it in /materials/reagents`,
      });
    }
    if (
      step.type === 'prompt' &&
      step.action?.kind === 'fill-reagent' &&
      !reagents.has(step.action.reagent)
    ) {
      problems.push({
        pointer: `${pointer}/action/reagent`,
        message: `unknown reagent "${step.action.reagent}"; declare it in /materials/reagents`,
      });
    }
  }

  for (const field of documentQuantityFields(protocol)) {
    const r = resolveField(field.text, field.spec, scope, field.pointer);
    if ('problem' in r) problems.push(r.problem);
  }

  const outputNames = new Set<string>();
  protocol.outputs.forEach((o, i) => {
    const at = `/outputs/${i}`;
    if (outputNames.has(o.name) || recorded.has(o.name) || scope.declared.has(o.name)) {
      problems.push({ pointer: `${at}/name`, message: `"${o.name}" is already used as a name` });
    }
    outputNames.add(o.name);
    try {
      const checked = checkExpression(o.expression);
      for (const name of checked.names) {
        const p = scope.declared.get(name);
        if (p && p.type !== 'number') {
          problems.push({
            pointer: `${at}/expression`,
            message: `parameter "${name}" is a ${p.type}, not a number`,
          });
        } else if (!p && !recorded.has(name)) {
          problems.push({
            pointer: `${at}/expression`,
            message: `unknown value "${name}": not a recorded value (${[...recorded.keys()].join(', ') || 'none'}) or a parameter`,
          });
        }
      }
    } catch (e) {
      problems.push({
        pointer: `${at}/expression`,
        message: e instanceof ExpressionError ? e.message : String(e),
      });
    }
    if (o.unit !== undefined && o.unit !== '%' && !parseUnit(o.unit)) {
      problems.push({ pointer: `${at}/unit`, message: `unknown unit "${o.unit}"` });
    }
  });

  problems.push(...checkTimeWindows(protocol, keys, scope));
  return problems;
}
