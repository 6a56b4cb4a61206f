import { evaluateOutputs, type ParameterValue, type Protocol } from '@graftlab/protocol';

export interface OutputWithUncertainty {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly uncertainty: number;
}

/**
 * Every output of the protocol for one sample, with a standard uncertainty propagated to first order from the
 * recorded values' uncertainties (numerical partial derivatives, independent inputs):
 * u_f² = Σ (∂f/∂x_i · u_i)². For DG = (W_g − W_0)/W_0 × 100 this is the GUM formula.
 */
export function outputsWithUncertainty(
  protocol: Protocol,
  recorded: Readonly<Record<string, { value: number; uncertainty: number }>>,
  parameters: Readonly<Record<string, ParameterValue>>,
): OutputWithUncertainty[] {
  const values = Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, v.value]));
  const base = evaluateOutputs(protocol, values, parameters);
  const variance = new Map<string, number>(Object.keys(base).map((k) => [k, 0]));
  for (const [name, { value, uncertainty }] of Object.entries(recorded)) {
    if (!(uncertainty > 0)) continue;
    const h = Math.max(Math.abs(value) * 1e-6, 1e-12);
    const bumped = evaluateOutputs(protocol, { ...values, [name]: value + h }, parameters);
    for (const [out, r] of Object.entries(bumped)) {
      const derivative = (r.value - base[out].value) / h;
      variance.set(out, (variance.get(out) ?? 0) + (derivative * uncertainty) ** 2);
    }
  }
  return Object.entries(base).map(([name, r]) => ({
    name,
    value: r.value,
    unit: r.unit,
    uncertainty: Math.sqrt(variance.get(name) ?? 0),
  }));
}
