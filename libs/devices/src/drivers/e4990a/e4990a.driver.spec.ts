import type { CellGeometry } from '../../capabilities/capabilities';
import { isDeviceError } from '../../capabilities/device-error';
import { startTwin, type Harness } from '@graftlab/device-testing';
import { E4990aImpedanceAnalyser } from './e4990a.driver';

/** The cell of impedance-1: four probes 4.25 mm apart on a 1 cm wide strip; the film is 50 µm thick. */
const IN_PLANE: CellGeometry = { mode: 'in-plane', probeSpacingCm: 0.425, widthCm: 1, thicknessUm: 50 };
const TRUE_SIGMA = 0.05; // S/cm: R = 0.425 / (0.05 · 1 · 0.005) = 1700 Ω

describe('E4990aImpedanceAnalyser over TCP (SCPI)', () => {
  let h: Harness | undefined;
  let analyser: E4990aImpedanceAnalyser | undefined;

  async function open(withFilm = true): Promise<{ h: Harness; analyser: E4990aImpedanceAnalyser }> {
    const harness = await startTwin('impedance-1', 'tcp', {
      speed: 1000,
      world: (w) => {
        w.truth = { iecMmolPerG: () => 0, conductivitySPerCm: () => TRUE_SIGMA };
        if (withFilm)
          w.loadSample({
            id: 'm1',
            basePolymer: 'ETFE',
            thicknessUm: 50,
            nominalMassG: 0.05,
            location: 'impedance-1/cell',
          });
      },
    });
    h = harness;
    analyser = new E4990aImpedanceAnalyser(harness.device, harness.ctx);
    await analyser.connect();
    return { h: harness, analyser };
  }

  afterEach(async () => {
    await analyser?.close();
    await h?.close();
    analyser = undefined;
    h = undefined;
  });

  it('measures σ = L/(R·w·d) from the high-frequency intercept of the film’s Nyquist arc', async () => {
    const { h, analyser } = await open();
    expect(await analyser.identify()).toBe('Keysight Technologies,E4990A,MY54300211,A.02.14');
    const r = await analyser.measureConductivity({
      commandId: 'cmd-z-1',
      geometry: IN_PLANE,
      temperatureC: 25,
    });
    expect(r.fit).toBe('arc');
    expect(r.spectrum).toHaveLength(41);
    expect(r.spectrum[0].fHz).toBeCloseTo(1e6, 0);
    expect(r.spectrum[40].fHz).toBeCloseTo(100, 6);
    // ±5 % conductivity scatter: within 4 sd of the truth.
    expect(Math.abs(r.resistanceOhm / 1700 - 1)).toBeLessThan(0.25);
    // The fitted intercept is the film's resistance the twin drew the spectrum around (0.02 % point noise).
    expect(r.resistanceOhm / (h.twin.state().resistanceOhm as number)).toBeCloseTo(1, 2);
    expect(r.conductivitySPerCm).toBeCloseTo(0.425 / (r.resistanceOhm * 1 * 0.005), 12);
    expect(r.conductivityMsPerCm).toBeCloseTo(r.conductivitySPerCm * 1000, 9);
    expect(Math.abs(r.conductivitySPerCm / TRUE_SIGMA - 1)).toBeLessThan(0.25);
    // The intercept is where the arc starts: below every Z′ and above the 1 MHz point's distance to the axis.
    expect(r.resistanceOhm).toBeLessThan(Math.min(...r.spectrum.map((p) => p.re)) * 1.001);
    expect(r).toMatchObject({ commandId: 'cmd-z-1', temperatureC: 25, geometry: IN_PLANE });
    const host = h.wire('host');
    expect(host).toContain(':SENS1:FREQ:STAR 1.000000E+02\n');
    expect(host).toContain(':SENS1:FREQ:STOP 1.000000E+06\n');
    expect(host).toContain(':SENS1:SWE:POIN 41\n');
    expect(host).toContain(':SOUR1:VOLT 1.0000E-02\n');
    expect(host).toContain(':DISP:WIND1:TITL:DATA "cmd-z-1"\n');
    expect(host).toContain(':TRIG:SING\n');
    expect(h.wire('device')).toContain('+0,"No error"\n');
    expect(h.twin.isSafe()).toBe(true);

    // The same commandId again: the analyser answers with that measurement; another one measures afresh.
    const again = await analyser.measureConductivity({ commandId: 'cmd-z-1', geometry: IN_PLANE });
    expect(again.spectrum).toEqual(r.spectrum);
    expect(again.resistanceOhm).toBe(r.resistanceOhm);
    const other = await analyser.measureConductivity({ commandId: 'cmd-z-2', geometry: IN_PLANE });
    expect(other.resistanceOhm).not.toBe(r.resistanceOhm);
    // Through the plane, the same R gives σ = d/(R·A).
    const through = await analyser.measureConductivity({
      commandId: 'cmd-z-1',
      geometry: { mode: 'through-plane', thicknessUm: 50, areaCm2: 2 },
    });
    expect(through.conductivitySPerCm).toBeCloseTo(0.005 / (r.resistanceOhm * 2), 12);
  });

  it('an empty cell or a lost contact has no resistive intercept: DeviceError device open-circuit', async () => {
    const empty = await open(false);
    const err = await empty.analyser
      .measureConductivity({ commandId: 'cmd-z-3', geometry: IN_PLANE })
      .catch((e: unknown) => e);
    expect(isDeviceError(err, 'device')).toBe(true);
    expect(err).toMatchObject({ code: 'open-circuit' });
    expect(empty.h.twin.isSafe()).toBe(true);
    await analyser!.close();
    await h!.close();

    const { h: contact, analyser: a } = await open(true);
    contact.twin.faults.inject({ kind: 'open-circuit' });
    await expect(a.measureConductivity({ commandId: 'cmd-z-4', geometry: IN_PLANE })).rejects.toMatchObject({
      kind: 'device',
      code: 'open-circuit',
    });
    contact.twin.faults.clear('open-circuit');
    expect((await a.measureConductivity({ commandId: 'cmd-z-5', geometry: IN_PLANE })).fit).toBe('arc');
  });

  it('an error-queue entry is DeviceError device with its SCPI number', async () => {
    const { h, analyser } = await open();
    const err = await analyser
      .measureConductivity({ commandId: 'cmd-z-6', geometry: IN_PLANE, sweep: { points: 5000 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'device', code: '-222' });
    expect((err as Error).message).toContain('Data out of range');
    expect(h.wire('device')).toContain('-222,"Data out of range"\n');
    expect(h.wire('host')).not.toContain(':TRIG:SING\n'); // never swept on a refused set-up
    h.twin.faults.inject({ kind: 'device-error', code: '-224' }, { once: true });
    await expect(
      analyser.measureConductivity({ commandId: 'cmd-z-7', geometry: IN_PLANE }),
    ).rejects.toMatchObject({ kind: 'device', code: '-224' });
    expect(h.wire('host')).toContain(':ABOR\n'); // the safe state after the failure
    expect((await analyser.measureConductivity({ commandId: 'cmd-z-8', geometry: IN_PLANE })).fit).toBe(
      'arc',
    );
  });

  it('refuses an unusable geometry or sweep before sending anything', async () => {
    const { h, analyser } = await open();
    const sent = h.wire('host').length;
    await expect(
      analyser.measureConductivity({ commandId: 'cmd-z-9', geometry: { ...IN_PLANE, widthCm: 0 } }),
    ).rejects.toMatchObject({ kind: 'refused' });
    await expect(
      analyser.measureConductivity({ commandId: 'a "quoted" id', geometry: IN_PLANE }),
    ).rejects.toMatchObject({ kind: 'refused' });
    await expect(
      analyser.sweep({ startHz: 100, stopHz: 1e6, points: 1.5, amplitudeV: 0.01 }),
    ).rejects.toMatchObject({ kind: 'refused' });
    expect(h.wire('host').slice(sent)).toEqual([]);
  });

  it('no answer is a timeout, a garbled one a protocol error; safe state aborts and checks', async () => {
    const { h, analyser } = await open();
    h.twin.faults.inject({ kind: 'no-reply' });
    await expect(analyser.identify({ timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' });
    h.twin.faults.clear('no-reply');
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(analyser.status()).rejects.toMatchObject({ kind: 'protocol' });
    await analyser.safeState();
    expect(h.wire('host').slice(-3)).toEqual([':INIT1:CONT OFF\n', ':ABOR\n', ':STAT:OPER:COND?\n']);
    expect(h.twin.state()).toMatchObject({ measuring: false, continuous: false });
    expect((await analyser.status()).state).toBe('ok');
  });
});
