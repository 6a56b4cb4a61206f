import { connect, type Socket } from 'node:net';
import { ScaledClock, type LabClock } from '@graftlab/clock';
import { deviceById, loadInventory, type InventoryDevice } from '@graftlab/inventory';
import { join } from 'node:path';
import { ManualClock } from '../world/manual-clock';
import { VirtualLabWorld } from '../world/virtual-lab-world';
import { createSerialTwin } from './create-serial-twin';
import type { SerialTwin } from './serial-twin.base';

const inventory = loadInventory(join(__dirname, '../../../../devices/virtual-lab.json'));

/** A raw TCP client: the twin's bytes are what is under test, so no driver is involved. */
async function rawTwin(id: string, patch: Partial<InventoryDevice> = {}, speed: number | LabClock = 100) {
  const device = { ...deviceById(inventory, id)!, ...patch };
  const clock = typeof speed === 'number' ? new ScaledClock(speed) : speed;
  const world = new VirtualLabWorld(inventory, { clock, seed: 1, lotNoise: false });
  const twin: SerialTwin = createSerialTwin(device, world);
  await twin.listen('127.0.0.1', 0);
  const socket: Socket = connect({ host: '127.0.0.1', port: twin.port! });
  await new Promise((r) => socket.once('connect', r));
  socket.setNoDelay(true);
  let rx = '';
  socket.on('data', (d: Buffer) => (rx += d.toString('latin1')));
  /** Sends bytes and returns what came back: the first bytes within waitMs, plus anything 15 ms behind them. */
  const ask = async (text: string | Buffer, waitMs = 300) => {
    rx = '';
    socket.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
    const start = performance.now();
    while (rx === '' && performance.now() - start < waitMs) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 15));
    return rx;
  };
  return {
    twin,
    world,
    ask,
    close: async () => {
      socket.destroy();
      await twin.close();
    },
  };
}

describe('serial twins on the wire (raw bytes)', () => {
  it('New Era: power-on alarm latches once; unknown command; out of range; bad CRC gives ?COM', async () => {
    const t = await rawTwin('pump-1');
    try {
      expect(await t.ask('0DIA 26.59\r')).toBe('\x0200A?R\x03');
      expect(await t.ask('0 dia 26.59\r')).toBe('\x0200S\x03'); // spaces stripped, upper-cased
      expect(await t.ask('0DIA\r')).toBe('\x0200S26.59\x03');
      expect(await t.ask('0RAT 9999 MM\r')).toBe('\x0200S?OOR\x03');
      expect(await t.ask('0XYZ\r')).toBe('\x0200S?\x03');
      expect(await t.ask('1VER\r')).toBe(''); // another address on the bus
      expect(await t.ask(Buffer.from('02083052554e440803', 'hex'))).toBe(
        Buffer.from(t.twin.trace.entries().at(-1)!.hex, 'hex').toString('latin1'),
      );
      expect(Buffer.from(t.twin.trace.entries().at(-1)!.hex, 'hex').toString('latin1')).toContain('00S?COM');
    } finally {
      await t.close();
    }
  });

  it('Cavro: not initialized, invalid command, error 15 while busy, deferred range error cleared by Q', async () => {
    const t = await rawTwin('pump-3', { address: 0 }, 5); // init takes 1.5 lab s = 300 real ms
    const s = (x: string) => `\xff/0${x}\x03\r\n`;
    try {
      expect(await t.ask('/1A1000R\r')).toBe(s('g'));
      expect(await t.ask('/1E2000R\r')).toBe(s('b'));
      expect(await t.ask('/1ZR\r')).toBe(s('`'));
      expect(await t.ask('/1Q\r')).toBe(s('@'));
      expect(await t.ask('/1A3000R\r')).toBe(s('O'));
      await new Promise((r) => setTimeout(r, 350));
      expect(await t.ask('/1Q\r')).toBe(s('`'));
      expect(await t.ask('/1A4000R\r')).toBe(s('`')); // accepted ...
      expect(await t.ask('/1Q\r')).toBe(s('c')); // ... and reported by Q
      expect(await t.ask('/1Q\r')).toBe(s('`')); // Q cleared it
      expect(await t.ask('/1?\r')).toBe(s('`0'));
      expect(await t.ask(Buffer.from('0231315a520309', 'hex'))).toBe(''); // OEM frame: locked to DT
    } finally {
      await t.close();
    }
  });

  it('MT-SICS: ES for unknown commands, I4 and @', async () => {
    const t = await rawTwin('balance-1');
    try {
      expect(await t.ask('XYZ\r\n')).toBe('ES\r\n');
      expect(await t.ask('I4\r\n')).toBe('I4 A "B207696838"\r\n');
      expect(await t.ask('@\r\n')).toBe('I4 A "B207696838"\r\n');
      expect(await t.ask('SI\r\n')).toMatch(/^S S +-?0\.\d{5} g\r\n$/);
    } finally {
      await t.close();
    }
  });

  it('SC10: echo, value and prompt; ens toggles; unknown commands', async () => {
    const t = await rawTwin('shutter-1');
    try {
      expect(await t.ask('ens?\r')).toBe('ens?\r0\r> ');
      expect(await t.ask('ens\r')).toBe('ens\r> ');
      expect(await t.ask('closed?\r')).toBe('closed?\r0\r> ');
      expect(await t.ask('ens\r')).toBe('ens\r> ');
      expect(await t.ask('closed?\r')).toBe('closed?\r1\r> ');
      expect(await t.ask('foo\r')).toBe('foo\rCMD_NOT_DEFINED\r> ');
      expect(await t.ask('count?\r')).toMatch(/^count\?\r1 \d+\.\d\r> $/);
    } finally {
      await t.close();
    }
  });

  it('JULABO: no reply to OUT, errors via status, OUT commands closer than 250 ms are lost', async () => {
    const t = await rawTwin('bath-1');
    try {
      expect(await t.ask('version\r')).toBe(''); // the first query after power-on is lost
      expect(await t.ask('version\r')).toBe('JULABO HIGHTECH FL HL/SL VERSION 4.0\r\n');
      await new Promise((r) => setTimeout(r, 250));
      expect(await t.ask('out_sp_00 55.5\r', 250)).toBe('');
      expect(await t.ask('in_sp_00\r')).toBe('55.50\r\n');
      expect(await t.ask('out_sp_00 60\r', 1)).toBe(''); // too soon after the previous command: ignored
      await new Promise((r) => setTimeout(r, 250));
      expect(await t.ask('in_sp_00\r')).toBe('55.50\r\n');
      expect(await t.ask('foo\r')).toBe('');
      expect(await t.ask('status\r')).toBe('-08 INVALID COMMAND\r\n');
      expect(await t.ask('status\r')).toBe('02 REMOTE STOP\r\n');
    } finally {
      await t.close();
    }
  });

  it('Alicat: poll frame, setpoint frame, invalid command', async () => {
    const t = await rawTwin('mfc-1');
    try {
      expect(await t.ask('A\r')).toBe('A +014.70 +025.00 +00.000 +00.000 +00.000 N2\r');
      expect(await t.ask('AS 2.00\r')).toMatch(
        /^A \+014\.70 \+025\.00 \+\d\d\.\d{3} \+\d\d\.\d{3} \+02\.000 N2\r$/,
      );
      expect(await t.ask('AXYZ\r')).toBe('A ?\r');
      expect(await t.ask('B\r')).toBe(''); // another unit id
    } finally {
      await t.close();
    }
  });

  it('Titrino: status scan, acknowledgements and refusals, one determination, a repeated sample id', async () => {
    const clock = new ManualClock(); // the titration moves on only when the test says so
    const t = await rawTwin('titrator-1', {}, clock);
    t.world.truth = { iecMmolPerG: () => 2, conductivitySPerCm: () => 0 };
    const film = t.world.loadSample({
      id: 'f1',
      basePolymer: 'ETFE',
      thicknessUm: 50,
      nominalMassG: 0.05,
      location: 'titrator-1/cell',
    });
    try {
      expect(await t.ask('$D\r\n')).toBe('Ready;0\r\n');
      expect(await t.ask('$X\r\n')).toBe('$X;ERR;000-001\r\n');
      expect(await t.ask('$G\r\n')).toBe('$G;ERR;000-003\r\n'); // no method loaded
      expect(await t.ask('$L(NOPE)\r\n')).toBe('$L;ERR;000-003\r\n');
      expect(await t.ask('$L(IEC-NAOH)\r\n')).toBe('$L;OK\r\n');
      expect(await t.ask('$G\r\n')).toBe('$G;ERR;000-002\r\n'); // no sample data
      expect(await t.ask('$Q(SOL)\r\n')).toBe('SOL;NaOH;0.01000;mol/L\r\n');
      expect(await t.ask('$Q(EP1)\r\n')).toBe('EP1;NV\r\n');
      expect(await t.ask('$Q(XYZ)\r\n')).toBe('$Q;ERR;000-002\r\n');
      expect(await t.ask('&SmplData.Id1 "s-1"\r\n')).toBe('&SmplData.Id1;OK\r\n');
      expect(await t.ask('&SmplData.Size "0.05000"\r\n')).toBe('&SmplData.Size;OK\r\n');
      expect(await t.ask('$R(s-1)\r\n')).toBe('$R;ERR;000-005\r\n');
      expect(await t.ask('$G\r\n')).toBe('$G;OK\r\n');
      expect(await t.ask('$D\r\n')).toBe('Busy;0\r\n');
      expect(await t.ask('$G\r\n')).toBe('$G;ERR;000-004\r\n');
      clock.advance(14 * 60_000); // still exchanging in 1 M NaCl: nothing dosed yet
      expect(await t.ask('$Q(VTOT)\r\n')).toBe('VTOT;0.0000;mL\r\n');
      clock.advance(60 * 60_000);
      expect(await t.ask('$D\r\n')).toBe('Ready;0\r\n');
      const ep1 = /^EP1;(\d+\.\d{4});mL\r\n$/.exec(await t.ask('$Q(EP1)\r\n'));
      // V = IEC·m/c: 2 mmol/g ± 0.05 on the film's dry mass, 0.01 mol/L NaOH.
      expect(Number(ep1?.[1])).toBeGreaterThan(((2 - 0.25) * film.dryMassG()) / 0.01);
      expect(Number(ep1?.[1])).toBeLessThan(((2 + 0.25) * film.dryMassG()) / 0.01);
      expect(await t.ask('$Q(R1)\r\n')).toBe(`R1;${((Number(ep1![1]) * 0.01) / 0.05).toFixed(4)};mmol/g\r\n`);
      expect(await t.ask('$Q(EPM1)\r\n')).toMatch(/^EPM1;[67]\.\d\d;pH\r\n$/);
      expect(await t.ask('$Q(VTOT)\r\n')).toBe(`VTOT;${(Number(ep1![1]) + 1).toFixed(4)};mL\r\n`);
      expect(await t.ask('$Q(DS)\r\n')).toBe('DS;ended\r\n');
      expect(await t.ask('$Q(NDET)\r\n')).toBe('NDET;1\r\n');
      // The same sample id again recalls that determination: nothing is titrated twice.
      await t.ask('&SmplData.Id1 "s-1"\r\n');
      await t.ask('&SmplData.Size "0.05000"\r\n');
      expect(await t.ask('$G\r\n')).toBe('$G;OK\r\n');
      expect(await t.ask('$D\r\n')).toBe('Ready;0\r\n');
      expect(await t.ask('$Q(NDET)\r\n')).toBe('NDET;1\r\n');
      expect(await t.ask('$R(s-1)\r\n')).toBe('$R;OK\r\n');
      expect(await t.ask('$Q(CI1)\r\n')).toBe('CI1;s-1\r\n');
      expect(await t.ask('$Q(NEND)\r\n')).toBe('NEND;1\r\n');
    } finally {
      await t.close();
    }
  });

  it('E4990A (SCPI over TCP): queries answer, settings fill the error queue, a bus-triggered sweep', async () => {
    const clock = new ManualClock();
    const t = await rawTwin('impedance-1', {}, clock);
    const set = (cmd: string) => t.ask(`${cmd}\n`, 30); // settings are never answered
    const err = () => t.ask(':SYST:ERR?\n');
    try {
      expect(await t.ask('*IDN?\n')).toBe('Keysight Technologies,E4990A,MY54300211,A.02.14\n');
      expect(await err()).toBe('+0,"No error"\n');
      expect(await set(':SENS1:FREQ:STAR 5')).toBe('');
      expect(await set(':FOO:BAR 1')).toBe('');
      expect(await set(':SENS2:FREQ:STAR 100')).toBe(''); // one channel only
      expect(await err()).toBe('-222,"Data out of range"\n');
      expect(await err()).toBe('-113,"Undefined header"\n');
      expect(await err()).toBe('-113,"Undefined header"\n');
      expect(await err()).toBe('+0,"No error"\n');
      await set(':sense1:frequency:start 1E2'); // long form, any case
      await set(':SENS1:FREQ:STOP 1.000000E+06');
      await set(':SENS1:SWE:POIN 3');
      await set(':SENS1:SWE:TYPE LOG');
      expect(await t.ask(':SENS:FREQ:STAR?\n')).toBe('+1.000000000E+02\n');
      expect(await t.ask(':SENS1:FREQ:DATA?\n')).toBe('+1.000000000E+02,+1.000000000E+04,+1.000000000E+06\n');
      await set(':TRIG:SING');
      expect(await err()).toBe('-211,"Trigger ignored"\n'); // the trigger source is still INT
      await set(':TRIG:SOUR BUS');
      await set(':TRIG:SING');
      expect(await t.ask(':STAT:OPER:COND?\n')).toBe('16\n');
      clock.advance(1000);
      expect(await t.ask(':STAT:OPER:COND?\n')).toBe('0\n');
      expect(await t.ask('*OPC?\n')).toBe('1\n');
      // An empty cell is the open fixture: about −j/(ωC) with 0.5 pF, nothing resistive.
      const z = (await t.ask(':CALC1:DATA:RDAT?\n')).trim().split(',').map(Number);
      expect(z).toHaveLength(6);
      expect(z[5] / (-1 / (2 * Math.PI * 1e6 * 0.5e-12))).toBeCloseTo(1, 2);
      expect(Math.abs(z[4] / z[5])).toBeLessThan(0.01);
      expect(t.twin.isSafe()).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('pty: parses the two /dev/pts paths from socat', async () => {
    const device = { ...deviceById(inventory, 'mfc-1')! };
    const world = new VirtualLabWorld(inventory, { clock: new ScaledClock(100), seed: 1, lotNoise: false });
    const twin = createSerialTwin(device, world);
    const pty = await twin.attachPty();
    expect(pty.devicePath).toMatch(/^\/dev\/pts\/\d+$/);
    expect(pty.hostPath).toMatch(/^\/dev\/pts\/\d+$/);
    expect(pty.hostPath).not.toBe(pty.devicePath);
    await twin.close();
  });
});
