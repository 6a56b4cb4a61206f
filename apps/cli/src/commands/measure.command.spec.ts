import type { AddressInfo } from 'node:net';
import { SamplesRepository } from '@graftlab/db';
import { startApiApp, type ApiApp } from '../../../../test/api/support/api-app';
import { ApiClient } from '../api-client';
import { EXIT, memoryOutput } from '../cli-output';
import { runMeasureAdd, type MeasureAddOptions } from './measure.command';

const base: MeasureAddOptions = {
  property: 'conductivity_retained',
  unit: '%',
  replicate: [],
  conditions: [],
  json: false,
};

/** `graftlab measure add` against the real API (its own process here), as an operator runs it. */
describe('graftlab measure add', () => {
  let api: ApiApp;
  let client: ApiClient;
  beforeAll(async () => {
    api = await startApiApp();
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    client = new ApiClient({ apiUrl: `http://127.0.0.1:${port}`, token: api.tokens.operator });
    await new SamplesRepository(api.db).register({ id: 's-cli-1' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('records a point of a durability series through the API, converted, with its conditions', async () => {
    const out = memoryOutput();
    const code = await runMeasureAdd(
      's-cli-1',
      {
        ...base,
        value: '86',
        uncertainty: '3',
        timeOnTest: '500 h',
        conditions: ['medium=1 M KOH', 'temperatureC=80'],
        instrument: 'in-plane impedance',
        json: true,
      },
      out,
      client,
    );
    expect([code, out.stderr]).toEqual([EXIT.ok, []]);
    expect(JSON.parse(out.stdout[0])).toMatchObject({
      sampleId: 's-cli-1',
      property: 'conductivity_retained',
      value: 0.86,
      unit: '1',
      uncertainty: 0.03,
      timeOnTestH: 500,
      conditions: { medium: '1 M KOH', temperatureC: 80 },
      operator: 'operator-1',
    });
    const text = memoryOutput();
    expect(
      await runMeasureAdd(
        's-cli-1',
        { ...base, property: 'IEC', unit: 'meq/g', replicate: ['2.0', '2.1', '2.2'] },
        text,
        client,
      ),
    ).toBe(EXIT.ok);
    expect(text.stdout[0]).toMatch(
      /^s-cli-1: ion_exchange_capacity = 2\.100 ± 0\.058 mmol\/g \(entered 2\.1 meq\/g\); u from replicates; msr-/,
    );
  });

  it('exits 1 with the pointer when the API refuses, and for an unknown sample', async () => {
    const refused = memoryOutput();
    expect(
      await runMeasureAdd(
        's-cli-1',
        { ...base, value: '86', unit: 'mS/cm', uncertainty: '3' },
        refused,
        client,
      ),
    ).toBe(EXIT.invalid);
    expect(refused.stderr).toEqual([
      '/unit: "mS/cm" is not a unit of conductivity retained (expected a dimensionless fraction (1) or %)',
    ]);
    const noUncertainty = memoryOutput();
    expect(await runMeasureAdd('s-cli-1', { ...base, value: '86' }, noUncertainty, client)).toBe(
      EXIT.invalid,
    );
    expect(noUncertainty.stderr[0]).toMatch(/^\/uncertainty: required/);
    const unknown = memoryOutput();
    expect(await runMeasureAdd('nobody', { ...base, value: '86', uncertainty: '3' }, unknown, client)).toBe(
      EXIT.invalid,
    );
    expect(unknown.stderr).toEqual(['graftlab measure add: sample nobody not found']);
  });

  it('exits 2 for options it cannot read and 3 when the API is down', async () => {
    const usage = memoryOutput();
    expect(
      await runMeasureAdd('s-cli-1', { ...base, value: '86', timeOnTest: 'a while' }, usage, client),
    ).toBe(EXIT.usage);
    expect(usage.stderr[0]).toContain('--time-on-test "a while" is not a duration');
    expect(await runMeasureAdd('s-cli-1', { ...base, value: 'lots' }, usage, client)).toBe(EXIT.usage);
    expect(
      await runMeasureAdd(
        's-cli-1',
        { ...base, value: '1', uncertainty: '1', conditions: ['medium'] },
        usage,
        client,
      ),
    ).toBe(EXIT.usage);
    expect(usage.stderr[2]).toContain('--conditions medium: expected name=value');
    const down = memoryOutput();
    expect(
      await runMeasureAdd(
        's-cli-1',
        { ...base, value: '86', uncertainty: '3' },
        down,
        new ApiClient({ apiUrl: 'http://127.0.0.1:1', token: 't'.repeat(16) }),
      ),
    ).toBe(EXIT.unreachable);
  });
});
