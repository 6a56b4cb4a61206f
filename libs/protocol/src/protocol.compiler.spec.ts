import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory, parseInventory, type Inventory } from '@graftlab/inventory';
import { DocumentError, type Problem } from '@graftlab/validation';
import { evaluateOutputs } from './outputs.evaluator';
import { compileProtocol } from './protocol.compiler';
import { loadProtocolFile, parseProtocol } from './protocol.loader';
import type { Protocol } from './protocol.schema';
import { checkSafety } from './safety';
import { searchSpaceOf } from './search-space.builder';

const ROOT = join(__dirname, '..', '..', '..');
const INVENTORY = loadInventory(join(ROOT, 'devices', 'virtual-lab.json'));
const NOW = { now: new Date('2026-10-01T09:00:00Z') };
const raw = (file = 'pe-gma-emulsion.json'): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'protocols', file), 'utf8')) as Record<string, unknown>;
const gma = (): Protocol => loadProtocolFile(join(ROOT, 'protocols', 'pe-gma-emulsion.json'));

function withStep(doc: Record<string, unknown>, i: number, patch: Record<string, unknown>): Protocol {
  const steps = doc.steps as Record<string, unknown>[];
  steps[i] = { ...steps[i], ...patch };
  return parseProtocol(doc);
}

function compileProblems(
  p: Protocol,
  params: Record<string, unknown> = {},
  inv: Inventory = INVENTORY,
): Problem[] {
  try {
    compileProtocol(p, params, inv, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentError);
    return [...(e as DocumentError).problems];
  }
  throw new Error('plan was compiled');
}

function expectProblem(problems: Problem[], pointer: string, message: RegExp): void {
  if (!problems.some((p) => p.pointer === pointer && message.test(p.message))) {
    throw new Error(`expected ${pointer}: ${message}, got ${JSON.stringify(problems)}`);
  }
}

describe('compileProtocol', () => {
  it.each(readdirSync(join(ROOT, 'protocols')).filter((f) => f.endsWith('.json')))(
    'plans the example %s',
    (file) => {
      const plan = compileProtocol(loadProtocolFile(join(ROOT, 'protocols', file)), {}, INVENTORY, NOW);
      expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(plan.totalDurationS).toBeGreaterThan(0);
      expect(plan.dosePerSample.si).toBeGreaterThan(0);
      expect(checkSafety(plan, INVENTORY)).toEqual([]);
    },
  );

  it('resolves values to SI with their display unit, roles, settlement and durations', () => {
    const plan = compileProtocol(gma(), {}, INVENTORY, NOW);
    const irradiate = plan.steps.find((s) => s.key === 'irradiate')!;
    expect(irradiate.args.dose).toEqual({ si: 30000, siUnit: 'Gy', value: 30, unit: 'kGy' });
    expect(irradiate.role).toBe('irradiator');
    expect(irradiate.devices).toEqual(['irradiator-1', 'shutter-1']);
    expect(irradiate.settlement).toBe('resume-remaining');
    // Co-60 decay from 2026-04-01 to 2026-10-01 (183 days): 12 kGy/h × 0.5^(183/365.25/5.2714).
    const rate = 12 * Math.pow(0.5, 183 / 365.25 / 5.2714);
    expect(irradiate.doseRate!.value).toBeCloseTo(rate, 10);
    expect(irradiate.exposureS).toBeCloseTo((30 / rate) * 3600, 6);
    expect(irradiate.estimatedDurationS).toBeCloseTo(irradiate.exposureS!, 9);
    expect(plan.calibrations).toEqual([
      expect.objectContaining({ calibrationId: 'cal-2026-04-p1', doseRateAtPlanKGyPerH: rate }),
    ]);

    const heat = plan.steps.find((s) => s.key === 'heat')!;
    expect(heat.args.setpoint).toEqual(
      expect.objectContaining({ si: 313.15, siUnit: 'K', value: 40, unit: '°C' }),
    );
    expect(heat.station).toBe('reactor-1');
    expect(heat.devices).toEqual(['bath-1']);
    expect(heat.estimatedDurationS).toBeCloseTo((40 - 20) * 30, 6); // 20 K at 2 K/min
    expect(plan.steps.find((s) => s.key === 'graft')!.estimatedDurationS).toBe(7200);
    expect(plan.steps.find((s) => s.key === 'dispense-monomer')!.settlement).toBe('ask-operator');
    expect(plan.steps.find((s) => s.key === 'weigh-w0')!.settlement).toBe('retry-safe');
    expect(plan.totalDurationS).toBeCloseTo(
      plan.steps.reduce((t, s) => t + s.estimatedDurationS, 0),
      6,
    );
    expect(plan.consumables).toEqual([
      { reagent: 'monomer-solution', volume: expect.objectContaining({ value: 50, unit: 'mL' }) },
    ]);
    expect(plan.records).toEqual(['W_0', 'W_g']);
    expect(plan.safety).toEqual(
      expect.objectContaining({
        maxDosePerSampleGy: 60000,
        maxDosePerRunGy: 1_000_000,
        o2MaxFraction: 50e-6,
        minPurgeS: 900,
      }),
    );
    expect(plan.safety.vesselMaxVolumeM3['reactor-1/vessel']).toBeCloseTo(1e-4, 12);
  });

  it('nests parallel children, starting together', () => {
    const plan = compileProtocol(
      loadProtocolFile(join(ROOT, 'protocols', 'etfe-vbc-aem.json')),
      {},
      INVENTORY,
      NOW,
    );
    const block = plan.steps.find((s) => s.type === 'parallel')!;
    expect(block.children!.map((c) => c.key)).toEqual(['heat', 'stir']);
    expect(block.children!.every((c) => c.startOffsetS === block.startOffsetS)).toBe(true);
    expect(block.estimatedDurationS).toBe(Math.max(...block.children!.map((c) => c.estimatedDurationS)));
  });

  it('applies parameter values, as numbers, numeric strings or quantities', () => {
    const a = compileProtocol(gma(), { dose: 20 }, INVENTORY, NOW);
    const b = compileProtocol(gma(), { dose: '20' }, INVENTORY, NOW);
    const c = compileProtocol(gma(), { dose: '20000 Gy' }, INVENTORY, NOW);
    expect(a.dosePerSample.si).toBe(20000);
    expect(b.hash).toBe(a.hash);
    expect(c.parameters.dose).toBeCloseTo(20, 9);
  });

  it.each([
    [{ dosis: 20 }, '/parameters/dosis', /unknown parameter "dosis"/],
    [{ dose: 80 }, '/parameters/dose', /outside the declared range 5..50 kGy/],
    [{ dose: -5 }, '/parameters/dose', /outside the declared range/],
    [{ dose: 'lots' }, '/parameters/dose', /expected a number in kGy/],
    [{ dose: '30 mL' }, '/parameters/dose', /expected a number in kGy/],
    [{ graftTime: null }, '/parameters/graftTime', /expected a number/],
  ])('refuses parameter values %j', (params, pointer, message) => {
    expectProblem(compileProblems(gma(), params), pointer, message);
  });

  it('is deterministic and sensitive to every input', () => {
    const hash = compileProtocol(gma(), {}, INVENTORY, NOW).hash;
    expect(compileProtocol(gma(), {}, INVENTORY, NOW).hash).toBe(hash);
    expect(compileProtocol(gma(), {}, INVENTORY, { now: new Date('2026-10-01T23:59:00Z') }).hash).toBe(hash);
    // Same values in a different key order hash the same.
    expect(compileProtocol(gma(), { graftTime: 2, dose: 30 }, INVENTORY, NOW).hash).toBe(hash);

    const changed = [
      compileProtocol(gma(), { dose: 31 }, INVENTORY, NOW).hash,
      compileProtocol(gma(), { graftTemperature: 41 }, INVENTORY, NOW).hash,
      compileProtocol(gma(), {}, INVENTORY, { now: new Date('2026-10-02T09:00:00Z') }).hash,
      compileProtocol(parseProtocol({ ...raw(), title: 'another title' }), {}, INVENTORY, NOW).hash,
      compileProtocol(gma(), {}, parseInventory({ ...INVENTORY, title: 'renamed lab' }), NOW).hash,
      compileProtocol(gma(), {}, recalibrated(13), NOW).hash,
    ];
    for (const h of changed) expect(h).not.toBe(hash);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it('refuses unknown locations, positions and devices with pointers', () => {
    expectProblem(
      compileProblems(withStep(raw(), 1, { to: 'shelf-9' })),
      '/steps/1/to',
      /unknown location "shelf-9"/,
    );
    expectProblem(
      compileProblems(withStep(raw(), 5, { position: 'irradiator-1/p9' })),
      '/steps/5/position',
      /unknown irradiation position "irradiator-1\/p9"; the inventory has irradiator-1\/p1, irradiator-1\/p2/,
    );
    expectProblem(
      compileProblems(withStep(raw(), 11, { target: 'wash-1' })),
      '/steps/11/target',
      /belongs to no station/,
    );
    const noRobot = parseInventory({
      ...INVENTORY,
      shared: INVENTORY.shared.filter((d) => d !== 'robot-1'),
      devices: INVENTORY.devices.filter((d) => d.id !== 'robot-1'),
    });
    expectProblem(compileProblems(gma(), {}, noRobot), '/steps/1', /has no sample-handler/);
  });

  it('refuses device limits and storage that is too warm', () => {
    expectProblem(
      compileProblems(withStep(raw(), 12, { setpoint: '120 °C' })),
      '/steps/12/setpoint',
      /bath-1 reaches at most 95 °C/,
    );
    expectProblem(
      compileProblems(withStep(raw(), 10, { rate: '80 mL/min' })),
      '/steps/10/rate',
      /pump-1's limit of 50 mL\/min/,
    );
    expectProblem(
      compileProblems(withStep(raw(), 7, { location: 'rack-a' })),
      '/steps/7/temperature',
      /warmer than the required/,
    );
    expectProblem(
      compileProblems(withReagent('other')),
      '/steps/10/reagent',
      /holds "monomer-solution", not "other"/,
    );
  });

  it('refuses a time window the plan cannot meet', () => {
    const doc = raw();
    doc.timeWindows = [{ from: 'irradiate.end', to: 'dispense-monomer.start', max: '5 min' }];
    expectProblem(compileProblems(parseProtocol(doc)), '/timeWindows/0/max', /cannot be met/);
  });
});

function withReagent(id: string): Protocol {
  const doc = raw();
  (doc.materials as { reagents: unknown[] }).reagents.push({ id, name: 'other solution' });
  (doc.steps as Record<string, unknown>[])[10].reagent = id;
  return parseProtocol(doc);
}

function recalibrated(rate: number): Inventory {
  return parseInventory({
    ...INVENTORY,
    devices: INVENTORY.devices.map((d) =>
      d.positions
        ? { ...d, positions: d.positions.map((p) => (p.id === 'p1' ? { ...p, doseRateKGyPerH: rate } : p)) }
        : d,
    ),
  });
}

describe('checkSafety', () => {
  it('refuses irradiation without a completed purge below the O₂ limit', () => {
    const doc = raw();
    (doc.steps as unknown[]).splice(4, 1); // drop the ampoule purge
    expectProblem(compileProblems(parseProtocol(doc)), '/steps/4/atmosphere', /needs a completed purge/);
    expectProblem(
      compileProblems(withStep(raw(), 4, { o2Max: '500 ppm' })),
      '/steps/5/atmosphere',
      /above the limit of 50 ppm/,
    );
    expectProblem(
      compileProblems(withStep(raw(), 4, { minDuration: '2 min' })),
      '/steps/5/atmosphere',
      /less than the minimum purge/,
    );
  });

  it('allows irradiation in air (peroxide route) without a purge', () => {
    const doc = raw();
    (doc.steps as unknown[]).splice(4, 1);
    (doc.steps as Record<string, unknown>[])[4].atmosphere = 'air';
    expect(() => compileProtocol(parseProtocol(doc), {}, INVENTORY, NOW)).not.toThrow();
  });

  it('takes the stricter dose limit of protocol and lab', () => {
    const doc = raw();
    (doc.parameters as Record<string, unknown>[])[0].max = 300;
    expectProblem(
      compileProblems(parseProtocol(doc), { dose: 70 }),
      '/steps/5/dose',
      /exceeds the maximum dose per sample of 60 kGy/,
    );
    (doc.safety as Record<string, unknown>).maxDosePerSample = '2000 kGy';
    expectProblem(
      compileProblems(parseProtocol(doc), { dose: 250 }),
      '/steps/5/dose',
      /maximum dose per sample of 200 kGy/,
    );
    (doc.safety as Record<string, unknown>).maxDosePerSample = '60 kGy';
    doc.sampleCount = 40;
    expectProblem(compileProblems(parseProtocol(doc), { dose: 30 }), '/sampleCount', /dose per run 1200 kGy/);
  });

  it('refuses a dose given as an exposure that exceeds the limit', () => {
    const doc = raw();
    (doc.steps as Record<string, unknown>[])[5] = {
      key: 'irradiate',
      type: 'irradiate',
      position: 'irradiator-1/p1',
      exposure: '10 h',
      atmosphere: 'N2',
    };
    expectProblem(
      compileProblems(parseProtocol(doc)),
      '/steps/5/exposure',
      /exceeds the maximum dose per sample/,
    );
  });

  it('refuses heating above the flash point minus the margin unless declared and inerted', () => {
    const doc = raw('etfe-styrene-pem.json');
    (doc.safety as Record<string, unknown>).inertAboveFlashPoint = false;
    expectProblem(
      compileProblems(parseProtocol(doc)),
      '/steps/12/setpoint',
      /above the solvent's flash point 4 °C minus the 10 K margin \(-6 °C\)/,
    );
    const noPurge = raw('etfe-styrene-pem.json');
    (noPurge.steps as unknown[]).splice(11, 1);
    expectProblem(compileProblems(parseProtocol(noPurge)), '/steps/11/setpoint', /not inerted first/);
  });

  it('refuses more volume than a vessel holds, until it is drained', () => {
    const doc = raw();
    const steps = doc.steps as Record<string, unknown>[];
    steps.splice(11, 0, {
      key: 'top-up',
      type: 'dispense',
      reagent: 'monomer-solution',
      volume: '60 mL',
      vessel: 'reactor-1/vessel',
    });
    expectProblem(
      compileProblems(parseProtocol(doc)),
      '/steps/11/volume',
      /would hold 110 mL, more than its maximum of 100 mL/,
    );
  });
});

describe('searchSpaceOf', () => {
  it('is the parameter declaration', () => {
    expect(searchSpaceOf(gma())).toEqual({
      parameters: [
        { name: 'dose', type: 'number', min: 5, max: 50, unit: 'kGy' },
        { name: 'graftTemperature', type: 'number', min: 25, max: 60, unit: '°C' },
        { name: 'graftTime', type: 'number', min: 0.25, max: 4, unit: 'h' },
        { name: 'monomerConcentration', type: 'number', min: 1, max: 10, unit: 'wt%' },
      ],
    });
    const aem = loadProtocolFile(join(ROOT, 'protocols', 'etfe-vbc-aem.json'));
    expect(searchSpaceOf(aem).parameters).toContainEqual({
      name: 'amine',
      type: 'categorical',
      choices: ['trimethylamine', 'N-methylpyrrolidine', 'N-methylpiperidine'],
    });
    const sim = loadProtocolFile(join(ROOT, 'protocols', 'ptfe-styrene-simultaneous.json'));
    expect(searchSpaceOf(sim).parameters.map((p) => p.name)).not.toContain('position');
  });
});

describe('evaluateOutputs', () => {
  it('computes the degree of grafting', () => {
    expect(evaluateOutputs(gma(), { W_0: 0.1, W_g: 0.235 })).toEqual({
      degreeOfGrafting: { value: expect.closeTo(135, 9) as number, unit: '%' },
    });
  });

  it('refuses missing values and division by zero with the output pointer', () => {
    expect(() => evaluateOutputs(gma(), { W_g: 1 })).toThrow(
      /\/outputs\/0\/expression: degreeOfGrafting: unknown value "W_0"/,
    );
    expect(() => evaluateOutputs(gma(), { W_0: 0, W_g: 1 })).toThrow(/division by zero/);
    expect(() => evaluateOutputs(gma(), { W_0: Number.NaN, W_g: 1 })).toThrow(/\/recorded\/W_0/);
  });
});
