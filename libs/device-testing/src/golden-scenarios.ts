import type { InventoryDevice } from '@graftlab/inventory';
import type { VirtualLabWorld } from '@graftlab/twins';
import {
  AlicatFlowController,
  CavroPump,
  E4990aImpedanceAnalyser,
  JulaboCirculator,
  MtSicsBalance,
  Ne1000Pump,
  Sc10Shutter,
  TitrinoTitrator,
  type DriverContext,
} from '@graftlab/devices';

/** One deterministic driver session per serial driver: what the golden traces record and replay. */
export interface GoldenScenario {
  readonly driver: string;
  readonly deviceId: string;
  readonly description: string;
  /** Inventory overrides (e.g. the Cavro address switch 0, as in the reference examples). */
  readonly patch?: Partial<InventoryDevice>;
  /** Recording only: the twin's clock speed (default 100) and what the world holds (e.g. a film in a cell). */
  readonly speed?: number;
  readonly world?: (w: VirtualLabWorld) => void;
  run(device: InventoryDevice, ctx: DriverContext): Promise<void>;
}

async function session<T extends { connect(): Promise<void>; close(): Promise<void> }>(
  driver: T,
  body: (d: T) => Promise<unknown>,
): Promise<void> {
  try {
    await driver.connect();
    await body(driver);
  } finally {
    await driver.close();
  }
}

export const GOLDEN_SCENARIOS: readonly GoldenScenario[] = [
  {
    driver: 'ne1000',
    deviceId: 'pump-1',
    description: 'connect (power-on alarm, resend), dispense 0.5 mL at 10 mL/min, counters, safe state',
    run: (device, ctx) =>
      session(new Ne1000Pump(device, ctx), async (p) => {
        await p.dispense({ commandId: 'g1', volumeMl: 0.5, rateMlPerMin: 10 });
        await p.counters();
        await p.safeState();
      }),
  },
  {
    driver: 'cavro-xcalibur',
    deviceId: 'pump-3',
    description: 'connect (ZR, poll Q), dispense 1 mL at 20 mL/min, safe state',
    patch: { address: 0 },
    run: (device, ctx) =>
      session(new CavroPump(device, ctx), async (p) => {
        await p.dispense({ commandId: 'g2', volumeMl: 1, rateMlPerMin: 20 });
        await p.safeState();
      }),
  },
  {
    driver: 'mt-sics',
    deviceId: 'balance-1',
    description: 'connect (I4), S, Z, T, SI',
    run: (device, ctx) =>
      session(new MtSicsBalance(device, ctx), async (b) => {
        await b.weighStable();
        await b.zero();
        await b.tare();
        await b.weighImmediate();
      }),
  },
  {
    driver: 'sc10',
    deviceId: 'shutter-1',
    description: 'connect (id?), timed exposure of 1000 ms, counters, safe state',
    run: (device, ctx) =>
      session(new Sc10Shutter(device, ctx), async (s) => {
        await s.expose({ commandId: 'g3', durationMs: 1000 });
        await s.counters();
        await s.safeState();
      }),
  },
  {
    driver: 'julabo',
    deviceId: 'bath-1',
    description: 'connect (throw-away version), setpoint 40 °C, start, read temperature, safe state',
    run: (device, ctx) =>
      session(new JulaboCirculator(device, ctx), async (j) => {
        await j.setSetpoint(40);
        await j.start();
        await j.readTemperature();
        await j.safeState();
      }),
  },
  {
    driver: 'alicat',
    deviceId: 'mfc-1',
    description: 'connect (AVE), setpoint 10 sccm, poll, safe state',
    run: (device, ctx) =>
      session(new AlicatFlowController(device, ctx), async (m) => {
        await m.setFlow(10);
        await m.readFlow();
        await m.safeState();
      }),
  },
  {
    driver: 'titrino',
    deviceId: 'titrator-1',
    description:
      'connect (PROG), IEC titration of a 50 mg film (IEC-NAOH, 0.01 M NaOH), counters, safe state',
    speed: 20_000,
    world: (w) => {
      w.truth = { iecMmolPerG: () => 1.9, conductivitySPerCm: () => 0 };
      w.loadSample({
        id: 'g',
        basePolymer: 'ETFE',
        thicknessUm: 50,
        nominalMassG: 0.05,
        location: 'titrator-1/cell',
      });
    },
    run: (device, ctx) =>
      session(new TitrinoTitrator(device, ctx), async (t) => {
        // The recorded film weighs 0.04972 g (seed 7).
        const command = {
          commandId: 'cmd-g4',
          methodId: 'IEC-NAOH',
          sampleMassG: 0.04972,
          titrant: 'NaOH',
          titrantMolPerL: 0.01,
        };
        await t.titrateIec(command);
        await t.counters();
        await t.safeState();
      }),
  },
  {
    driver: 'e4990a',
    deviceId: 'impedance-1',
    description:
      'connect (*IDN?), conductivity of a 50 µm film in the in-plane cell (41-point sweep), safe state',
    world: (w) => {
      w.truth = { iecMmolPerG: () => 0, conductivitySPerCm: () => 0.05 };
      w.loadSample({
        id: 'g',
        basePolymer: 'ETFE',
        thicknessUm: 50,
        nominalMassG: 0.05,
        location: 'impedance-1/cell',
      });
    },
    run: (device, ctx) =>
      session(new E4990aImpedanceAnalyser(device, ctx), async (a) => {
        await a.measureConductivity({
          commandId: 'cmd-g5',
          geometry: { mode: 'in-plane', probeSpacingCm: 0.425, widthCm: 1, thicknessUm: 50 },
          temperatureC: 25,
        });
        await a.safeState();
      }),
  },
];
