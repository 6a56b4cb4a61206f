import type { TitrationCommand } from '../../capabilities/capabilities';
import { isDeviceError } from '../../capabilities/device-error';
import { startTwin, type Harness, type Via } from '@graftlab/device-testing';
import { TITRATION_FAILURES } from './titrino.codec';
import { TitrinoTitrator } from './titrino.driver';

const TRUE_IEC = 1.9;

describe.each<Via>(['pty', 'tcp'])('TitrinoTitrator over %s', (via) => {
  let h: Harness | undefined;
  let titrator: TitrinoTitrator | undefined;
  let command: TitrationCommand;

  /**
   * The titrator twin at a clock speed (a titration is about 20 lab minutes), the world's truth pinned to
   * TRUE_IEC, and a weighed 50 mg film in its cell unless `empty`.
   */
  async function open(speed: number, empty = false): Promise<{ h: Harness; titrator: TitrinoTitrator }> {
    let massG = 0.05;
    const harness = await startTwin('titrator-1', via, {
      speed,
      world: (w) => {
        w.truth = { iecMmolPerG: () => TRUE_IEC, conductivitySPerCm: () => 0 };
        if (empty) return;
        const film = w.loadSample({
          id: 'f1',
          basePolymer: 'ETFE',
          thicknessUm: 50,
          nominalMassG: 0.05,
          location: 'titrator-1/cell',
        });
        massG = Number(film.dryMassG().toFixed(5));
      },
    });
    h = harness;
    command = {
      commandId: 'cmd-iec-1',
      methodId: 'IEC-NAOH',
      sampleMassG: massG,
      titrant: 'NaOH',
      titrantMolPerL: 0.01,
    };
    titrator = new TitrinoTitrator(harness.device, harness.ctx);
    await titrator.connect();
    return { h: harness, titrator };
  }

  afterEach(async () => {
    await titrator?.close();
    await h?.close();
    titrator = undefined;
    h = undefined;
  });

  it('titrates the film in its cell: IEC = c·V/m within the titration scatter, counters agree', async () => {
    const { h, titrator } = await open(20_000);
    expect(await titrator.identify()).toBe('5.848.0010');
    const r = await titrator.titrateIec(command);
    expect(r.repeated).toBe(false);
    expect(Math.abs(r.iecMmolPerG - TRUE_IEC)).toBeLessThan(0.25); // ±0.05 mmol/g, 5 sd
    expect(r.iecMmolPerG).toBeCloseTo((0.01 * r.equivalenceMl) / command.sampleMassG, 9);
    expect(r.instrumentIecMmolPerG).toBeCloseTo(r.iecMmolPerG, 3);
    expect(r.endpointPh).toBeGreaterThan(6.5);
    expect(r.endpointPh).toBeLessThan(7.5);
    expect(r.consumedMl).toBeCloseTo(r.equivalenceMl + 1, 3);
    expect(r.sampleMassG).toBe(command.sampleMassG);
    const host = h.wire('host');
    expect(host).toContain('$L(IEC-NAOH)\r\n');
    expect(host).toContain('&SmplData.Id1 "cmd-iec-1"\r\n');
    expect(host).toContain(`&SmplData.Size "${command.sampleMassG.toFixed(5)}"\r\n`);
    expect(h.wire('device')).toContain('SOL;NaOH;0.01000;mol/L\r\n');
    expect(h.wire('device')).toContain(`EP1;${r.equivalenceMl.toFixed(4)};mL\r\n`);
    const counters = await titrator.counters();
    expect(counters).toMatchObject({ titrationsStarted: 1, titrationsCompleted: 1 });
    expect(counters.dispensedMl).toBeCloseTo(r.consumedMl, 3);
    expect(h.twin.counters().dispensedMl).toBeCloseTo(r.consumedMl, 3);
    expect(h.twin.isSafe()).toBe(true);

    // The same command again (a step retried after a crash): the stored outcome, nothing titrated twice.
    const again = await titrator.titrateIec(command);
    expect(again).toMatchObject({
      repeated: true,
      equivalenceMl: r.equivalenceMl,
      iecMmolPerG: r.iecMmolPerG,
    });
    expect(h.wire('host').filter((x) => x === '$G\r\n')).toHaveLength(1);
    expect(await titrator.counters()).toEqual(counters);
  });

  it('a repeat while the titration runs starts nothing; abort stops the burette', async () => {
    const { h, titrator } = await open(100); // the exchange alone takes 9 s of real time
    expect(await titrator.startTitration(command)).toEqual({ repeated: false });
    expect(await titrator.startTitration(command)).toEqual({ repeated: true });
    expect((await titrator.titrationStatus()).state).toBe('busy');
    expect((await titrator.status()).state).toBe('busy');
    await expect(titrator.readResult(command)).rejects.toMatchObject({
      kind: 'device',
      code: TITRATION_FAILURES.running,
    });
    await expect(titrator.startTitration({ ...command, commandId: 'cmd-other' })).rejects.toMatchObject({
      kind: 'refused',
    });
    await titrator.abort();
    expect(h.twin.isSafe()).toBe(true);
    await expect(titrator.readResult(command)).rejects.toMatchObject({
      kind: 'device',
      code: TITRATION_FAILURES.stopped,
    });
    expect(await titrator.counters()).toMatchObject({ titrationsStarted: 1, titrationsCompleted: 0 });
  });

  it('an empty cell has no endpoint: DeviceError device NV, the burette stopped at its stop volume', async () => {
    const { h, titrator } = await open(20_000, true);
    const err = await titrator.titrateIec(command).catch((e: unknown) => e);
    expect(isDeviceError(err, 'device')).toBe(true);
    expect(err).toMatchObject({ code: TITRATION_FAILURES.noEndpoint });
    expect(h.wire('device')).toContain('EP1;NV\r\n');
    expect(h.twin.isSafe()).toBe(true);
    expect(await titrator.counters()).toMatchObject({
      titrationsStarted: 1,
      titrationsCompleted: 0,
      dispensedMl: 50,
    });
  });

  it('an electrode error and an empty titrant bottle are the titrator’s message numbers, then confirmed', async () => {
    const { h, titrator } = await open(20_000);
    h.twin.faults.inject({ kind: 'device-error', code: '010-141' }, { once: true });
    await expect(titrator.titrateIec(command)).rejects.toMatchObject({
      kind: 'device',
      code: TITRATION_FAILURES.electrodeError,
    });
    expect(h.wire('device')).toContain('Ready;010-141\r\n');
    expect(h.wire('host')).toContain('$A(OK)\r\n'); // the safe state confirmed the message
    expect((await titrator.status()).state).toBe('ok');
    h.twin.faults.inject({ kind: 'device-error', code: '010-130' }, { once: true });
    await expect(titrator.titrateIec({ ...command, commandId: 'cmd-iec-2' })).rejects.toMatchObject({
      kind: 'device',
      code: TITRATION_FAILURES.titrantEmpty,
    });
    // Reading the failed determination again gives the same outcome (its message is stored with it).
    await expect(titrator.readResult(command)).rejects.toMatchObject({ code: '010-141' });
    expect(h.twin.isSafe()).toBe(true);
    expect(await titrator.counters()).toMatchObject({ titrationsStarted: 2, titrationsCompleted: 0 });
  });

  it('refuses a titrant it does not hold and a malformed command before anything is dosed', async () => {
    const { h, titrator } = await open(20_000);
    await expect(
      titrator.titrateIec({ ...command, titrant: 'HCl', titrantMolPerL: 0.01 }),
    ).rejects.toMatchObject({ kind: 'refused' });
    await expect(titrator.titrateIec({ ...command, titrantMolPerL: 0.1 })).rejects.toMatchObject({
      kind: 'refused',
    });
    const sent = h.wire('host').length;
    await expect(titrator.titrateIec({ ...command, commandId: 'a"b' })).rejects.toMatchObject({
      kind: 'refused',
    });
    await expect(titrator.titrateIec({ ...command, sampleMassG: 0 })).rejects.toMatchObject({
      kind: 'refused',
    });
    expect(h.wire('host').slice(sent)).toEqual([]);
    expect(h.wire('host')).not.toContain('$G\r\n');
    expect(await titrator.counters()).toMatchObject({ titrationsStarted: 0, dispensedMl: 0 });
  });

  it('no answer is a timeout, a garbled one a protocol error, a method it lacks its refusal', async () => {
    const { h, titrator } = await open(20_000);
    h.twin.faults.inject({ kind: 'no-reply' });
    await expect(titrator.identify({ timeoutMs: 200 })).rejects.toMatchObject({ kind: 'timeout' });
    h.twin.faults.clear('no-reply');
    h.twin.faults.inject({ kind: 'garble' }, { once: true });
    await expect(titrator.titrationStatus()).rejects.toMatchObject({ kind: 'protocol' });
    await expect(titrator.titrateIec({ ...command, methodId: 'IEC-NONE' })).rejects.toMatchObject({
      kind: 'device',
      code: '000-003',
    });
    expect(await titrator.identify()).toBe('5.848.0010');
  });
});
