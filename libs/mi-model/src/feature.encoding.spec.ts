import { FeatureEncoding, mixtureDescriptor } from './feature.encoding';
import type { MaterialQuery } from './record.types';

const base = (id: string, crystallinity: number) => ({ id, descriptors: { crystallinity } });
const monomer = (id: string, polarizability: number, fraction = 1) => ({
  id,
  fraction,
  descriptors: { polarizability },
});
const query = (
  over: Partial<{
    dose: number;
    T: number;
    monomers: MaterialQuery['system']['monomers'];
    storage: number;
    t: number;
  }> = {},
): MaterialQuery => ({
  system: { basePolymer: base('ETFE', 0.3), monomers: over.monomers ?? [monomer('St', 0.2)] },
  irradiation: { method: 'pre-irradiation', source: 'gamma', atmosphere: 'inert', doseKGy: over.dose ?? 10 },
  conditions: {
    concentrationWtPct: 50,
    temperatureC: over.T ?? 60,
    timeH: 4,
    ...(over.storage === undefined ? {} : { storageH: over.storage }),
  },
  ...(over.t === undefined ? {} : { timeOnTestH: over.t }),
});

describe('FeatureEncoding', () => {
  const training = [
    query({ dose: 10, T: 40 }),
    query({ dose: 100, T: 80, monomers: [monomer('VBC', 0.8)], storage: 24 }),
    {
      ...query({ dose: 30, T: 60 }),
      system: { basePolymer: base('FEP', 0.5), monomers: [monomer('St', 0.2)] },
    },
  ];
  const enc = FeatureEncoding.fromQueries(training);

  it('keeps descriptors and varying conditions, drops what is constant in training', () => {
    expect(enc.names).toEqual([
      'basePolymer.crystallinity',
      'monomer.polarizability',
      'irradiation.doseKGy',
      'conditions.temperatureC',
      'conditions.storageH',
    ]);
  });

  it('puts the dose on a log scale and the training range on [0, 1]', () => {
    const dose = enc.indexOf('irradiation.doseKGy');
    expect(enc.encode(training[0])[dose]).toBeCloseTo(0, 12);
    expect(enc.encode(training[1])[dose]).toBeCloseTo(1, 12);
    // √(10·100) ≈ 31.6 kGy is the middle on a log scale.
    expect(enc.encode(query({ dose: Math.sqrt(1000) }))[dose]).toBeCloseTo(0.5, 12);
  });

  it('reads an absent storage as none (0 h), not as the median', () => {
    expect(enc.encode(query())[enc.indexOf('conditions.storageH')]).toBe(0);
  });

  it('places an unseen monomer by its descriptors, and a mixture between its monomers', () => {
    const p = enc.indexOf('monomer.polarizability');
    expect(enc.encode(query({ monomers: [monomer('NVIm', 0.5)] }))[p]).toBeCloseTo(0.5, 12);
    const mix = [monomer('St', 0.2, 1), monomer('VBC', 0.8, 1)];
    expect(mixtureDescriptor(mix, 'polarizability')).toBeCloseTo(0.5, 12);
    expect(enc.encode(query({ monomers: mix }))[p]).toBeCloseTo(0.5, 12);
  });

  it('as one-hot, an unseen monomer is an unknown category (all zeros)', () => {
    const oneHot = FeatureEncoding.fromQueries(training, { systemIdentity: 'one-hot' });
    expect(oneHot.names).toContain('monomer=St');
    expect(oneHot.names).not.toContain('monomer.polarizability');
    const x = oneHot.encode(query({ monomers: [monomer('NVIm', 0.5)] }));
    expect(x[oneHot.indexOf('monomer=St')]).toBe(0);
    expect(x[oneHot.indexOf('monomer=VBC')]).toBe(0);
  });

  it('encodes time on test linearly, absent meaning as made', () => {
    const withTime = FeatureEncoding.fromQueries([...training, query({ t: 500 })]);
    const i = withTime.indexOf('timeOnTestH');
    expect(withTime.encode(query({ t: 250 }))[i]).toBeCloseTo(0.5, 12);
    expect(withTime.encode(query())[i]).toBe(0);
  });

  it('marks history and literature values by source; a query reads as what the lab would measure', () => {
    const sourced = [
      { ...training[0], source: 'lab' },
      { ...training[1], source: 'literature' },
      { ...training[2], source: 'history' },
    ];
    const enc2 = FeatureEncoding.fromQueries(sourced);
    expect(enc2.names.filter((n) => n.startsWith('source='))).toEqual([
      'source=history',
      'source=literature',
    ]);
    expect(enc2.encode(sourced[1])[enc2.indexOf('source=literature')]).toBe(1);
    expect(enc2.encode(query())[enc2.indexOf('source=literature')]).toBe(0);
  });
});
