import { centralIntervalZ, logNormalCdf, normalCdf, normalQuantile } from './normal.distribution';
import { PropertyPrediction } from './property.prediction';
import { outputTransform } from './property.transform';

describe('normal distribution', () => {
  it('has the textbook values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(centralIntervalZ(0.9)).toBeCloseTo(1.644854, 5);
    for (const p of [1e-6, 0.01, 0.3, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it('keeps log Φ finite and accurate far in the lower tail', () => {
    // log Φ(−10) = −53.231285.
    expect(logNormalCdf(-10)).toBeCloseTo(-53.231285, 4);
    expect(logNormalCdf(-40)).toBeCloseTo(-800 - Math.log(40) - 0.5 * Math.log(2 * Math.PI) - 1 / 1600, 3);
    expect(Number.isFinite(logNormalCdf(-1e4))).toBe(true);
  });
});

describe('PropertyPrediction on a log scale', () => {
  const p = new PropertyPrediction(outputTransform('log'), Math.log(40), 0.5);

  it('has a log-normal median, mean and interval', () => {
    expect(p.median).toBeCloseTo(40, 10);
    expect(p.mean).toBeCloseTo(40 * Math.exp(0.125), 10);
    const { lower, upper } = p.interval(0.9);
    expect(lower).toBeCloseTo(40 * Math.exp(-0.5 * 1.644854), 3);
    expect(upper).toBeCloseTo(40 * Math.exp(0.5 * 1.644854), 3);
  });

  it('gives exact probabilities of bounds, and 1 for a bound below the domain', () => {
    expect(p.probabilityAbove(40)).toBeCloseTo(0.5, 7);
    expect(p.probabilityWithin(undefined, 40 * Math.exp(0.5))).toBeCloseTo(normalCdf(1), 7);
    expect(p.probabilityWithin(40 * Math.exp(-0.5), 40 * Math.exp(0.5))).toBeCloseTo(
      normalCdf(1) - normalCdf(-1),
      6,
    );
    expect(p.probabilityWithin(-5)).toBe(1);
    expect(p.logProbabilityWithin(1e6)).toBeLessThan(-100);
  });
});
