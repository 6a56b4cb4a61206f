import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory, type Inventory } from '@graftlab/inventory';
import { DocumentError, type Problem } from '@graftlab/validation';
import { flatPlanned } from './planned-steps.flatten';
import { compileProtocol } from './protocol.compiler';
import { parseProtocol } from './protocol.loader';

const ROOT = join(__dirname, '..', '..', '..');
const INVENTORY = loadInventory(join(ROOT, 'devices', 'virtual-lab.json'));
const NOW = { now: new Date('2026-10-01T09:00:00Z') };

type Doc = Record<string, unknown> & { steps: Record<string, unknown>[]; safety: Record<string, unknown> };
const aem = (): Doc => JSON.parse(readFileSync(join(ROOT, 'protocols', 'etfe-vbc-aem.json'), 'utf8')) as Doc;
const step = (doc: Doc, key: string) => doc.steps.find((s) => s.key === key)!;

function problems(doc: Doc, inventory: Inventory = INVENTORY): Problem[] {
  try {
    compileProtocol(parseProtocol(doc), {}, inventory, NOW);
    return [];
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    return [...e.problems];
  }
}

const at = (doc: Doc, key: string) => `/steps/${doc.steps.findIndex((s) => s.key === key)}`;

describe('post-grafting steps in the plan (issue #14)', () => {
  it('plans the AEM: quaternization by a person, IEC on the titrator, σ on the analyser, a soak with its visits', () => {
    const plan = compileProtocol(parseProtocol(aem()), {}, INVENTORY, NOW);
    const byKey = new Map(flatPlanned(plan.steps).map((s) => [s.key, s]));
    expect(byKey.get('quaternize')).toMatchObject({ roles: [], settlement: 'ask-operator', station: null });
    expect(byKey.get('iec')).toMatchObject({ roles: ['titrator'], devices: ['titrator-1'], records: 'IEC' });
    expect(byKey.get('conductivity')).toMatchObject({ devices: ['impedance-1'], settlement: 'retry-safe' });
    const soak = byKey.get('alkaline-durability')!;
    expect(soak).toMatchObject({ roles: [], settlement: 'resume-remaining', station: null });
    // Until the last visit (500 h) and its measurements.
    expect(soak.estimatedDurationS).toBeGreaterThanOrEqual(500 * 3600);
  });

  it('refuses a soak bath of another medium or temperature, visits out of order, and a property twice', () => {
    const doc = aem();
    Object.assign(step(doc, 'alkaline-durability'), {
      medium: '3 wt% H2O2',
      temperature: '60 °C',
      visits: ['0 h', '250 h', '100 h'],
      measure: ['conductivity', 'conductivity'],
    });
    const p = problems(doc);
    const base = at(doc, 'alkaline-durability');
    expect(p).toEqual(
      expect.arrayContaining([
        { pointer: `${base}/medium`, message: expect.stringMatching(/holds 1 M KOH, not 3 wt% H2O2/) },
        { pointer: `${base}/temperature`, message: expect.stringMatching(/kept at 80 °C, not 60 °C/) },
        { pointer: `${base}/visits/2`, message: expect.stringMatching(/after the one before/) },
        { pointer: `${base}/measure`, message: expect.stringMatching(/once/) },
      ]),
    );
  });

  it('refuses a soak somewhere that is not a soak bath, and a station step after a soak', () => {
    const doc = aem();
    step(doc, 'alkaline-durability').location = 'rack-a';
    doc.steps.push({ key: 'late-heat', type: 'heat', vessel: 'reactor-3/vessel', setpoint: '30 °C' });
    const p = problems(doc);
    expect(p).toEqual(
      expect.arrayContaining([
        { pointer: `${at(doc, 'alkaline-durability')}/location`, message: '"rack-a" is not a soak bath' },
        {
          pointer: at(doc, 'late-heat'),
          message: expect.stringMatching(/uses a reactor station after the soak/),
        },
      ]),
    );
  });

  it('refuses an IEC without a weighed dry mass, and chemistry outside a fume hood', () => {
    const doc = aem();
    step(doc, 'iec').mass = 'W_dry';
    step(doc, 'quaternize').vessel = 'wash-1';
    const p = problems(doc);
    expect(p).toEqual(
      expect.arrayContaining([
        { pointer: `${at(doc, 'iec')}/mass`, message: 'no weigh step records "W_dry"' },
        { pointer: `${at(doc, 'quaternize')}/vessel`, message: expect.stringMatching(/fume-hood flask/) },
      ]),
    );
  });

  it('judges the functionalization and the soak by the maximum temperature and the flask by its volume', () => {
    const doc = aem();
    doc.safety.maxTemperature = '70 °C';
    step(doc, 'quaternize').volume = '300 mL';
    const p = problems(doc);
    expect(p).toEqual(
      expect.arrayContaining([
        {
          pointer: `${at(doc, 'alkaline-durability')}/temperature`,
          message: expect.stringMatching(/above the protocol's maximum temperature of 70 °C/),
        },
        {
          pointer: `${at(doc, 'quaternize')}/volume`,
          message: expect.stringMatching(/more than its maximum of 250 mL/),
        },
      ]),
    );
  });

  it('refuses a conductivity step on an analyser without the geometry of its mode', () => {
    const inventory = structuredClone(INVENTORY);
    const analyser = inventory.devices.find((d) => d.id === 'impedance-1')!;
    analyser.limits = { openCircuitOhm: 1e8 };
    const doc = aem();
    expect(problems(doc, inventory)).toEqual(
      expect.arrayContaining([
        {
          pointer: `${at(doc, 'conductivity')}/mode`,
          message: '"impedance-1" declares no probeSpacingCm, sampleWidthCm for an in-plane measurement',
        },
      ]),
    );
  });
});
