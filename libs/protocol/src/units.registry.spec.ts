import { displayOf, hasKind, kindOf, math, normalizeUnitText, parseUnit, toSi } from './units.registry';

const u = (text: string) => math.unit(normalizeUnitText(text));

describe('units', () => {
  it.each([
    ['30 kGy', 'dose', 30000],
    ['500 Gy', 'dose', 500],
    ['12 kGy/h', 'doseRate', 12000 / 3600],
    ['5 Gy/min', 'doseRate', 5 / 60],
    ['10 mL', 'volume', 1e-5],
    ['250 µL', 'volume', 2.5e-7],
    ['250 uL', 'volume', 2.5e-7],
    ['2 g', 'mass', 0.002],
    ['15 mg', 'mass', 1.5e-5],
    ['40 °C', 'temperature', 313.15],
    ['40 degC', 'temperature', 313.15],
    ['300 K', 'temperature', 300],
    ['90 s', 'time', 90],
    ['30 min', 'time', 1800],
    ['2 h', 'time', 7200],
    ['5 wt%', 'massFraction', 0.05],
    ['0.1 mol/L', 'concentration', 100],
    ['20 mL/min', 'volumeFlow', 20e-6 / 60],
    ['200 sccm', 'volumeFlow', 200e-6 / 60],
    ['50 ppm', 'gasFraction', 5e-5],
    ['50 µm', 'length', 5e-5],
    ['142.15 g/mol', 'molarMass', 0.14215],
    ['2 °C/min', 'temperatureRate', 2 / 60],
  ] as const)('%s is a %s of %d in SI', (text, kind, si) => {
    const q = u(text);
    expect(hasKind(q, kind)).toBe(true);
    expect(toSi(q, kind)).toBeCloseTo(si, 12);
  });

  it('treats a °C difference without the offset', () => {
    expect(toSi(u('5 °C'), 'temperatureDelta')).toBeCloseTo(5, 12);
    expect(toSi(u('5 K'), 'temperatureDelta')).toBeCloseTo(5, 12);
  });

  it('keeps mass fraction and gas fraction apart', () => {
    expect(hasKind(u('50 ppm'), 'massFraction')).toBe(false);
    expect(hasKind(u('5 wt%'), 'gasFraction')).toBe(false);
  });

  it('names the kind of a unit and shows it as written', () => {
    expect(kindOf(u('30 mL'))).toBe('volume');
    expect(displayOf(u('30 kGy'))).toEqual({ value: 30, unit: 'kGy' });
    expect(displayOf(u('5 wt%'))).toEqual({ value: 5, unit: 'wt%' });
  });

  it('parses bare units and refuses what is not one', () => {
    expect(parseUnit('kGy')).toBeDefined();
    expect(parseUnit('°C')).toBeDefined();
    expect(parseUnit('mmol/g')).toBeDefined();
    expect(parseUnit('bananas')).toBeUndefined();
    expect(parseUnit('30 kGy')).toBeUndefined();
    expect(parseUnit('constructor')).toBeUndefined();
  });
});
