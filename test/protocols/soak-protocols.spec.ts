import { stepJournal } from '@graftlab/db';
import { and, eq } from 'drizzle-orm';
import { eventually, startEngineStack, type EngineStack } from '../engine/support/engine-stack';
import { hasSoak, parameterSets, shippedProtocols } from './support/shipped-protocols';

/**
 * Issue #14's must-show: the AEM protocol runs end to end on the virtual lab at a fast clock (6,000×) — graft, quaternize,
 * titrate, impedance, then 500 h in 1 M KOH at 80 °C with visits at 0, 100, 250 and 500 h — and while its film
 * soaks, the reactor station serves another run. One worker owns one station (reactor-1), so every run goes there:
 * the AEM at its defaults and at the corners of its parameter ranges (every shipped protocol with a soak, as the
 * shipped-protocol shards do for the others). Each sample's passport shows every measurement with its uncertainty
 * and instrument, the visits with their time on test.
 */

// 500 lab hours in 300 s. The AEM's tightest time window (irradiation end to cold storage, 30 min) is 300 ms of
// real time: at 10,000× the third run used 17 of its 30 minutes with the test alone on the machine.
const CLOCK_SPEED = 6_000;
const H = 3_600_000;

interface RunDetail {
  id: string;
  state: string;
  reason: string | null;
  station: string | null;
  samples: string[];
}
interface PassportValue {
  value: number;
  uncertainty: number | null;
  instrument: string | null;
  method: string | null;
  timeOnTestH: number | null;
  stepKey: string | null;
}
interface Passport {
  results: { name: string; value: number; uncertainty: number | null }[];
  measurements: { property: string; unit: string; values: PassportValue[] }[];
}

jest.setTimeout(900_000);

describe('shipped protocols with a soak (issue #14: the AEM with 500 h of alkaline durability)', () => {
  let env: EngineStack;
  const cases = shippedProtocols()
    .filter(({ doc }) => hasSoak(doc))
    .flatMap(({ source, doc }) => parameterSets(doc).map((set) => ({ source, doc, ...set })));

  beforeAll(async () => {
    env = await startEngineStack({
      name: 'soak',
      workers: 1,
      stationsPerWorker: [['reactor-1']],
      clockSpeed: CLOCK_SPEED,
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** Lab time of a journal entry: when it was intended (request) or confirmed (read-back). */
  async function journalTime(runId: string, stepKey: string, at: 'start' | 'end'): Promise<number> {
    const rows = await env.db
      .select()
      .from(stepJournal)
      .where(and(eq(stepJournal.runId, runId), eq(stepJournal.stepKey, stepKey)));
    // The attempt that was confirmed (an earlier one may have failed before anything was sent).
    const row = rows.find((r) => r.state === 'confirmed') ?? rows[0];
    const t =
      at === 'start'
        ? (row?.request as { labStart?: number } | null)?.labStart
        : (row?.readBack as { labEnd?: number } | null)?.labEnd;
    if (t === undefined)
      throw new Error(
        `run ${runId} has no ${at} for ${stepKey}: ${JSON.stringify(rows.map((r) => ({ attempt: r.attempt, state: r.state, reason: r.reason, request: r.request })))}`,
      );
    return t;
  }

  it('grafts, quaternizes, titrates, measures σ and soaks with its visits; the station serves another run meanwhile', async () => {
    expect(cases.map((c) => c.source)).toContain('protocols/etfe-vbc-aem.json');
    const started = Date.now();
    const submitted: ((typeof cases)[number] & { id: string })[] = [];
    // One after the other, so the defaults go first and the corners queue behind it on the one station.
    for (const [i, c] of cases.entries()) {
      const res = await env.api<{ id: string; message?: string }>('POST', '/api/runs', {
        protocol: c.doc,
        parameters: c.parameters,
        idempotencyKey: `soak-${env.labId}-${i}`,
      });
      expect({ source: c.source, corner: c.corner, status: res.status, body: res.body }).toMatchObject({
        status: 201,
      });
      submitted.push({ ...c, id: res.body.id });
    }

    const ended = ['completed', 'failed', 'aborted', 'waiting-operator', 'paused'];
    const finals = await eventually(
      () =>
        Promise.all(submitted.map(async (s) => (await env.api<RunDetail>('GET', `/api/runs/${s.id}`)).body)),
      (runs) =>
        runs.every((r) => ended.includes(r.state)) || runs.some((r) => ended.slice(1).includes(r.state)),
      840_000,
      'the soak protocols run',
      1000,
    );
    const problems = finals
      .map((r, i) => (r.state === 'completed' ? '' : `${submitted[i].corner}: ${r.state}: ${r.reason}`))
      .filter(Boolean);
    expect(problems).toEqual([]);
    expect(finals.every((r) => r.station === 'reactor-1')).toBe(true);

    // While the first run's film soaked (from its soak start to its last visit), another run grafted on reactor-1.
    const [first, ...others] = submitted;
    const soakStart = await journalTime(first.id, 'alkaline-durability/start', 'end');
    const firstSample = finals[0].samples[0];
    const lastVisit = await journalTime(
      first.id,
      `alkaline-durability/visit-4/conductivity/${firstSample}`,
      'start',
    );
    expect(lastVisit - soakStart).toBeGreaterThanOrEqual(500 * H);
    const graftedMeanwhile = [];
    for (const other of others) {
      const graftStart = await journalTime(other.id, 'graft', 'start');
      const graftEnd = await journalTime(other.id, 'graft', 'end');
      if (graftStart > soakStart && graftEnd < lastVisit) graftedMeanwhile.push(other.corner);
    }
    expect(graftedMeanwhile.length).toBeGreaterThanOrEqual(1);

    // The passport: DG ± u, the outputs, and every measurement with its uncertainty and instrument.
    for (const [i, s] of submitted.entries()) {
      for (const sampleId of finals[i].samples) {
        const passport = (await env.api<Passport>('GET', `/api/samples/${sampleId}`)).body;
        const label = `${s.corner} ${sampleId}`;
        const dg = passport.results.find((r) => r.name === 'degreeOfGrafting');
        expect({ label, dg: dg && dg.uncertainty! > 0 }).toEqual({ label, dg: true });
        for (const output of s.doc.outputs ?? [])
          expect({ label, output: passport.results.some((r) => r.name === output.name) }).toEqual({
            label,
            output: true,
          });
        const series = (property: string) =>
          passport.measurements.find((m) => m.property === property)?.values ?? [];
        for (const property of ['ion_exchange_capacity', 'conductivity']) {
          const values = series(property);
          // The titrate or impedance step, then one per visit.
          expect({ label, property, n: values.length }).toEqual({ label, property, n: 5 });
          for (const v of values) {
            expect(v.uncertainty).toBeGreaterThan(0);
            expect(v.instrument).toMatch(property === 'conductivity' ? /^impedance-1: / : /^titrator-1: /);
            expect(v.method).toBeTruthy();
          }
          const hours = values.filter((v) => v.timeOnTestH !== null).map((v) => v.timeOnTestH!);
          expect(hours).toHaveLength(4);
          // Never early; late only by the visit's own work (a real second is 1.7 lab hours at this clock, and the
          // titration follows the sweep).
          [0, 100, 250, 500].forEach((h, k) => {
            expect(hours[k]).toBeGreaterThanOrEqual(h);
            expect(hours[k]).toBeLessThan(h + 10);
          });
        }
        // σ retained needs a σ at 0 h: a film too thin in graft to conduct reads below the detection limit.
        const atStart = series('conductivity').find((v) => v.timeOnTestH !== null)!;
        const retained = series('conductivity_retained');
        expect({ label, retained: retained.length }).toEqual({ label, retained: atStart.value > 0 ? 4 : 0 });
        expect(retained.every((v) => v.uncertainty! > 0)).toBe(true);
      }
    }
    // The defaults make a real AEM whose conductivity falls in hot alkali.
    const defaults = finals[0].samples[0];
    const passport = (await env.api<Passport>('GET', `/api/samples/${defaults}`)).body;
    const iec = passport.measurements.find((m) => m.property === 'ion_exchange_capacity')!.values;
    expect(iec[0].value).toBeGreaterThan(1);
    const sigma = passport.measurements
      .find((m) => m.property === 'conductivity')!
      .values.filter((v) => v.timeOnTestH !== null);
    expect(sigma[0].value).toBeGreaterThan(10);
    expect(sigma[3].value).toBeLessThan(sigma[0].value);
    // The tightest time window (irradiation end to cold storage, 30 min) at this clock, for whoever tunes it.
    const gaps = [];
    for (const s of submitted)
      gaps.push(
        ((await journalTime(s.id, 'store-cold', 'start')) - (await journalTime(s.id, 'irradiate', 'end'))) /
          60_000,
      );
    process.stderr.write(
      `soak protocols: irradiation end to cold storage ${gaps.map((g) => g.toFixed(1)).join(', ')} lab min (window 30)\n`,
    );
    process.stderr.write(
      `soak protocols: ${submitted.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s; defaults: IEC ${iec
        .map((v) => v.value.toFixed(2))
        .join(', ')} mmol/g, σ ${sigma.map((v) => v.value.toFixed(1)).join(', ')} mS/cm at ${sigma
        .map((v) => v.timeOnTestH!.toFixed(1))
        .join(', ')} h\n`,
    );
  });
});
