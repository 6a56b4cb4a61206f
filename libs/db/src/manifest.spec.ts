import { canonicalJson } from './canonical-json';
import { manifestHash, type RunManifest } from './manifest';

const base = (): RunManifest => ({
  protocol: { id: 'graft-basic', version: 3, contentHash: 'abc' },
  parameters: { doseKGy: 20, temperatureC: 60 },
  inventory: { stations: [{ id: 'reactor-1', devices: ['pump-1', 'heater-1'] }] },
  devices: { 'pump-1': { driver: 'syringe-pump', driverVersion: '1.2.0', firmware: 'fw-7' } },
  calibrations: { 'cal-2024-01': { doseRateKGyPerH: 10.2, position: 'P3' } },
  optimizerModelVersion: 'gp-1',
});

describe('manifestHash', () => {
  it('is a stable sha256 that ignores key order', () => {
    const a = manifestHash(base());
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(manifestHash(base())).toBe(a);
    const reordered: RunManifest = {
      optimizerModelVersion: 'gp-1',
      calibrations: { 'cal-2024-01': { position: 'P3', doseRateKGyPerH: 10.2 } },
      devices: { 'pump-1': { firmware: 'fw-7', driverVersion: '1.2.0', driver: 'syringe-pump' } },
      inventory: { stations: [{ devices: ['pump-1', 'heater-1'], id: 'reactor-1' }] },
      parameters: { temperatureC: 60, doseKGy: 20 },
      protocol: { contentHash: 'abc', version: 3, id: 'graft-basic' },
    };
    expect(manifestHash(reordered)).toBe(a);
  });

  it.each<[string, (m: RunManifest) => void]>([
    ['protocol version', (m) => (m.protocol.version = 4)],
    ['protocol content', (m) => (m.protocol.contentHash = 'abd')],
    ['a parameter value', (m) => (m.parameters.doseKGy = 20.0001)],
    ['an added parameter', (m) => (m.parameters.extra = null)],
    [
      'the inventory',
      (m) => (m.inventory as { stations: { devices: string[] }[] }).stations[0].devices.reverse(),
    ],
    ['driver identity', (m) => (m.devices['pump-1'].driverVersion = '1.2.1')],
    ['firmware identity', (m) => (m.devices['pump-1'].firmware = 'fw-8')],
    [
      'a calibration record',
      (m) => (m.calibrations['cal-2024-01'] = { doseRateKGyPerH: 10.3, position: 'P3' }),
    ],
    ['the optimizer model version', (m) => (m.optimizerModelVersion = 'gp-2')],
    ['dropping the optimizer model version', (m) => delete m.optimizerModelVersion],
  ])('changes with %s', (_name, mutate) => {
    const m = base();
    mutate(m);
    expect(manifestHash(m)).not.toBe(manifestHash(base()));
  });

  it('writes canonical JSON with sorted keys and ISO dates', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: new Date(0) }], u: undefined })).toBe(
      '{"a":[{"c":"1970-01-01T00:00:00.000Z","d":2}],"b":1}',
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/no JSON form/);
  });
});
