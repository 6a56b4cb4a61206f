import type { DoseRecord } from '@graftlab/db';
import { STEP_TYPES } from '@graftlab/protocol';
import { deliveredByStep, doseComplete, doseOf, ledgerRow, remainingKGy } from './dose-account';
import { evidenceFor } from './reconciler';

const row = (runId: string, stepKey: string, deliveredKGy: number): DoseRecord =>
  ({ runId, stepKey, deliveredKGy }) as DoseRecord;

describe('the dose account (one for the irradiate step and the reconciler)', () => {
  it("counts only this run's step: a re-used film's earlier run with the same step key does not count", () => {
    const records = [
      row('old-run', 'irradiate', 20),
      row('run', 'irradiate', 4),
      row('run', 'irradiate', 3.5),
    ];
    expect(deliveredByStep(records, 'run', 'irradiate')).toBeCloseTo(7.5, 12);
    expect(deliveredByStep(records, 'run', 'other')).toBe(0);
  });

  it('is complete within 1 % of the target, relative (for 5 kGy and for 100 kGy alike)', () => {
    expect(doseComplete(4.95, 5)).toBe(true);
    expect(doseComplete(4.94, 5)).toBe(false);
    expect(doseComplete(99, 100)).toBe(true);
    expect(doseComplete(98.9, 100)).toBe(false);
    expect(remainingKGy(100, 99.5)).toBe(0);
    expect(remainingKGy(100, 60)).toBe(40);
  });

  it('computes a dose from the rate and the open time the controller reported', () => {
    expect(doseOf(10, 3_600_000)).toBe(10);
    expect(doseOf(2.5, 1_800_000)).toBe(1.25);
  });

  it('writes the same ledger row whoever writes it: the whole target planned, atmosphere and times kept', () => {
    const position = {
      id: 'p1',
      doseRateKGyPerH: 10,
      calibratedAt: '2026-01-01',
      calibrationId: 'cal-1',
      dosimeter: 'alanine',
      nuclide: 'Co-60' as const,
      relativeUncertainty: 0.03,
    };
    const startedAt = new Date('2026-12-01T10:00:00Z');
    const r = ledgerRow({
      sampleId: 's1',
      runId: 'run',
      stepKey: 'irradiate',
      commandId: 'cmd',
      targetKGy: 30,
      deliveredKGy: 12,
      rateKGyPerH: 10,
      location: 'irradiator-1/p1',
      position,
      openMs: 4_320_000,
      atmosphere: 'N2',
      startedAt,
    });
    expect(r).toMatchObject({
      commandId: 'cmd/s1',
      plannedKGy: 30,
      deliveredKGy: 12,
      calibrationId: 'cal-1',
      source: 'Co-60',
      atmosphere: 'N2',
      startedAt,
      endedAt: null,
    });
  });
});

describe('what the reconciler reads back per step type', () => {
  it('names the evidence of every step type (the compiler enforces it; this lists the physical ones)', () => {
    const evidence = Object.fromEntries(STEP_TYPES.map((t) => [t, evidenceFor(t)]));
    expect(evidence.irradiate).toBe('shutter-counters');
    expect(evidence.dispense).toBe('pump-counters');
    expect(evidence.prompt).toBe('asked-again');
    for (const t of STEP_TYPES) expect(evidence[t]).toBeDefined();
  });
});
