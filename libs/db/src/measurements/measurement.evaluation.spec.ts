import { DocumentError } from '@graftlab/validation';
import { evaluateMeasurement, type MeasurementInput } from './measurement.evaluation';
import { findProperty, MEASURED_PROPERTIES } from './measurement-properties.catalog';
import { hoursOf, parseUnit } from './measurement.units';
import { mainPeak } from './structure-peak.analysis';

const problems = (input: MeasurementInput) => {
  try {
    evaluateMeasurement(input);
  } catch (e) {
    if (e instanceof DocumentError) return e.problems.map((p) => [p.pointer, p.message]);
    throw e;
  }
  return [];
};

describe('measured properties and their units', () => {
  it('has a parseable canonical unit and a distinct wide column for every property', () => {
    for (const p of MEASURED_PROPERTIES)
      expect([p.key, parseUnit(p.unit) !== undefined]).toEqual([p.key, true]);
    expect(new Set(MEASURED_PROPERTIES.map((p) => p.column)).size).toBe(MEASURED_PROPERTIES.length);
  });

  it('finds a property by key, protocol name or output name', () => {
    expect(findProperty('ion-exchange-capacity')?.key).toBe('ion_exchange_capacity');
    expect(findProperty('IEC')?.key).toBe('ion_exchange_capacity');
    expect(findProperty('ionExchangeCapacity')?.key).toBe('ion_exchange_capacity');
    expect(findProperty('sigma')?.key).toBe('conductivity');
    expect(findProperty('Water uptake')?.key).toBe('water_uptake');
    expect(findProperty('contact angle')).toBeUndefined();
  });

  it('reads durations for time on test', () => {
    expect(hoursOf('500 h')).toBe(500);
    expect(hoursOf('3 d')).toBe(72);
    expect(hoursOf('90 min')).toBe(1.5);
    expect(hoursOf('5 kg')).toBeUndefined();
  });
});

describe('evaluateMeasurement', () => {
  it('converts a compatible unit to the canonical one and keeps what was entered', () => {
    const m = evaluateMeasurement({
      property: 'conductivity',
      value: 0.045,
      unit: 'S/cm',
      uncertainty: 0.002,
    });
    expect(m).toMatchObject({
      value: 45,
      unit: 'mS/cm',
      uncertainty: 2,
      uncertaintyBasis: 'given',
      originalValue: 0.045,
      originalUnit: 'S/cm',
      originalUncertainty: 0.002,
      coverageFactor: 1,
    });
    expect(
      evaluateMeasurement({ property: 'iec', value: 2.1, unit: 'meq/g', uncertainty: 0.05 }),
    ).toMatchObject({
      value: 2.1,
      unit: 'mmol/g',
    });
    expect(
      evaluateMeasurement({ property: 'conductivity_retained', value: 82, unit: '%', uncertainty: 3 }),
    ).toMatchObject({ value: 0.82, unit: '1', uncertainty: 0.03 });
    expect(
      evaluateMeasurement({ property: 'tensile_strength', value: 0.03, unit: 'GPa', uncertainty: 0.002 }),
    ).toMatchObject({ value: 30, unit: 'MPa', uncertainty: 2 });
  });

  it('divides an expanded uncertainty by its coverage factor', () => {
    const m = evaluateMeasurement({
      property: 'water_uptake',
      value: 40,
      unit: '%',
      uncertainty: 4,
      coverageFactor: 2,
    });
    expect(m).toMatchObject({ uncertainty: 2, originalUncertainty: 4, coverageFactor: 2 });
  });

  it('derives type A from replicates (s/√n), type B from the resolution (r/√12), both in quadrature', () => {
    const a = evaluateMeasurement({ property: 'iec', unit: 'mmol/g', replicates: [2.0, 2.1, 2.2] });
    expect(a.value).toBeCloseTo(2.1, 12);
    expect(a.uncertainty).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    expect(a.uncertaintyBasis).toBe('replicates');
    const b = evaluateMeasurement({ property: 'iec', value: 2.1, unit: 'mmol/g', resolution: 0.01 });
    expect(b.uncertainty).toBeCloseTo(0.01 / Math.sqrt(12), 12);
    expect(b.uncertaintyBasis).toBe('resolution');
    const ab = evaluateMeasurement({
      property: 'iec',
      unit: 'mmol/g',
      replicates: [2.0, 2.1, 2.2],
      resolution: 0.1,
    });
    expect(ab.uncertainty).toBeCloseTo(Math.sqrt(0.01 / 3 + 0.01 / 12), 12);
    expect(ab.uncertaintyBasis).toBe('replicates+resolution');
    const identical = evaluateMeasurement({
      property: 'iec',
      unit: 'mmol/g',
      replicates: [2, 2],
      resolution: 0.1,
    });
    expect(identical.uncertaintyBasis).toBe('resolution');
  });

  it('refuses an incompatible or unknown unit, naming /unit', () => {
    expect(problems({ property: 'iec', value: 2, unit: 'mS/cm', uncertainty: 0.1 })).toEqual([
      [
        '/unit',
        '"mS/cm" is not a unit of ion-exchange capacity (expected amount per mass, e.g. mmol/g or meq/g)',
      ],
    ]);
    expect(problems({ property: 'iec', value: 2, unit: 'bananas', uncertainty: 0.1 })).toEqual([
      ['/unit', '"bananas" is not a unit'],
    ]);
    expect(problems({ property: 'hardness', value: 2, unit: 'mmol/g', uncertainty: 0.1 })[0][0]).toBe(
      '/property',
    );
  });

  it('refuses a value without an uncertainty it cannot derive, saying why', () => {
    expect(problems({ property: 'iec', value: 2, unit: 'mmol/g' })).toEqual([
      [
        '/uncertainty',
        'required: give the uncertainty (standard, k = 1), two or more replicates, or the instrument resolution',
      ],
    ]);
    expect(problems({ property: 'iec', unit: 'mmol/g', replicates: [2] })[0][1]).toMatch(
      /one replicate has no spread/,
    );
    expect(problems({ property: 'iec', unit: 'mmol/g', replicates: [2, 2] })[0][1]).toMatch(
      /identical \(s = 0\)/,
    );
    expect(problems({ property: 'iec', value: 2, unit: 'mmol/g', uncertainty: 0 })[0][0]).toBe(
      '/uncertainty',
    );
    expect(problems({ property: 'iec', value: 3, unit: 'mmol/g', replicates: [2.0, 2.1] })[0][0]).toBe(
      '/value',
    );
  });
});

describe('mainPeak', () => {
  it('finds the ionomer peak of an I(q) on a low-q upturn and ignores the upturn', () => {
    const q = Array.from({ length: 200 }, (_, i) => 0.05 + i * 0.01); // 1/nm
    const I = q.map((x) => 0.02 / x ** 3 + 5 * Math.exp(-((x - 1.2) ** 2) / (2 * 0.08 ** 2)));
    const peak = mainPeak(q, I)!;
    expect(peak.x).toBeCloseTo(1.2, 2);
    expect(peak.step).toBeCloseTo(0.01, 10);
    expect(
      mainPeak(
        q,
        q.map((x) => 1 / x),
      ),
    ).toBeUndefined();
  });
});
