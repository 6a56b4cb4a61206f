import { parseProtocol } from '@graftlab/protocol';
import { readFileSync } from 'node:fs';
import { outputsWithUncertainty } from './results';

describe('outputsWithUncertainty', () => {
  const protocol = parseProtocol(readFileSync('protocols/pe-gma-emulsion.json', 'utf8'));

  it('propagates the masses’ uncertainty to the degree of grafting (GUM, first order)', () => {
    const w0 = { value: 0.05, uncertainty: 0.00005 };
    const wg = { value: 0.1, uncertainty: 0.00008 };
    const [dg] = outputsWithUncertainty(protocol, { W_0: w0, W_g: wg }, {});
    expect(dg.name).toBe('degreeOfGrafting');
    expect(dg.value).toBeCloseTo(100, 9);
    // u_DG = 100·sqrt((u_Wg/W0)² + (Wg·u_W0/W0²)²)
    const expected =
      100 * Math.sqrt((wg.uncertainty / w0.value) ** 2 + ((wg.value * w0.uncertainty) / w0.value ** 2) ** 2);
    expect(dg.uncertainty).toBeCloseTo(expected, 6);
  });

  it('gives zero uncertainty when the readings carry none', () => {
    const [dg] = outputsWithUncertainty(
      protocol,
      { W_0: { value: 0.05, uncertainty: 0 }, W_g: { value: 0.06, uncertainty: 0 } },
      {},
    );
    expect(dg.value).toBeCloseTo(20, 9);
    expect(dg.uncertainty).toBe(0);
  });
});
