import type { Protocol } from './protocol.schema';

export type SearchDimension =
  | {
      readonly name: string;
      readonly type: 'number';
      readonly min: number;
      readonly max: number;
      readonly unit?: string;
      readonly integer?: boolean;
    }
  | { readonly name: string; readonly type: 'categorical'; readonly choices: readonly (string | boolean)[] };

export interface SearchSpace {
  readonly parameters: readonly SearchDimension[];
}

/** The optimizer's search space: the protocol's own parameter declarations (text and optimize:false left out). */
export function searchSpaceOf(protocol: Protocol): SearchSpace {
  const parameters: SearchDimension[] = [];
  for (const p of protocol.parameters) {
    if (!p.optimize) continue;
    switch (p.type) {
      case 'number':
        parameters.push({
          name: p.name,
          type: 'number',
          min: p.min,
          max: p.max,
          ...(p.unit !== undefined ? { unit: p.unit } : {}),
          ...(p.integer ? { integer: true } : {}),
        });
        break;
      case 'choice':
        parameters.push({ name: p.name, type: 'categorical', choices: [...p.choices] });
        break;
      case 'boolean':
        parameters.push({ name: p.name, type: 'categorical', choices: [false, true] });
        break;
      case 'text':
        break;
    }
  }
  return { parameters };
}
