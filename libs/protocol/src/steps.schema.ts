import { z } from 'zod';
import { STEPS_SCHEMA_VERSION } from './protocol.versions';
import { locationId, qty, reagentId, stepKey, text, valueName } from './quantity.schema';

/** Fields every step has; `key` is unique in the document and names the step in the run journal. */
const common = {
  key: stepKey,
  title: text(200).optional(),
  note: text(2000).optional(),
};

const duration = (max = '30 d') => qty('time', { min: '0 s', max });
const positiveDuration = (max = '30 d') => qty('time', { gt: '0 s', max });
const temperature = () => qty('temperature', { min: '-196 °C', max: '400 °C' });
const gas = z.enum(['N2', 'Ar']);
const by = z.enum(['robot', 'operator']);

const weighStep = z
  .object({
    ...common,
    type: z.literal('weigh'),
    location: locationId.default('balance-1/pan'),
    replicates: z.number().int().min(1).max(10).default(1),
    /** A reading is stable when it moves less than `tolerance` over `period`. */
    stability: z
      .object({
        tolerance: qty('mass', { gt: '0 mg', max: '1 g' }),
        period: positiveDuration('10 min'),
      })
      .strict()
      .optional(),
    /** Name of the recorded mass, e.g. W_0; outputs read it. */
    record: valueName,
  })
  .strict();

const transferStep = z
  .object({
    ...common,
    type: z.literal('transfer'),
    from: locationId,
    to: locationId,
    by: by.default('robot'),
  })
  .strict();

const purgeStep = z
  .object({
    ...common,
    type: z.literal('purge'),
    /** The vessel or container purged. */
    target: locationId,
    /** device: the target's station gas controller and O₂ sensor; operator: a manual line and meter. */
    by: z.enum(['device', 'operator']).default('device'),
    gas,
    flow: qty('volumeFlow', { gt: '0 sccm', max: '20 L/min' }),
    minDuration: positiveDuration('24 h'),
    o2Max: qty('gasFraction', { gt: '0 ppm', max: '10000 ppm' }),
  })
  .strict();

const evacuateRefillStep = z
  .object({
    ...common,
    type: z.literal('evacuate-refill'),
    target: locationId,
    by: z.enum(['device', 'operator']).default('device'),
    gas,
    cycles: z.number().int().min(1).max(20),
    vacuum: qty('pressure', { gt: '0 Pa', max: '100 kPa' }),
    cycleTime: positiveDuration('2 h').optional(),
    o2Max: qty('gasFraction', { gt: '0 ppm', max: '10000 ppm' }).optional(),
  })
  .strict();

const irradiateStep = z
  .object({
    ...common,
    type: z.literal('irradiate'),
    /** Irradiator position from the inventory: "irradiator-1/p1" (or "p1" when unambiguous). */
    position: z
      .string({ error: 'expected an irradiation position such as "irradiator-1/p1"' })
      .min(1)
      .max(100),
    /** Target absorbed dose; the exposure time is computed from the decay-corrected dose rate. */
    dose: qty('dose', { gt: '0 kGy', max: '2000 kGy' }).optional(),
    /** Or a fixed exposure time; the dose is then computed. */
    exposure: positiveDuration().optional(),
    atmosphere: z.enum(['N2', 'Ar', 'vacuum', 'air']),
    /** Whether an interrupted exposure may be completed later with the remaining dose. */
    splitDoseAllowed: z.boolean().default(false),
  })
  .strict();

const storeStep = z
  .object({
    ...common,
    type: z.literal('store'),
    location: locationId,
    /** Highest temperature the sample may see while stored. */
    temperature: temperature(),
    maxDuration: positiveDuration('365 d'),
    /** Planned storage time (for the estimate); 0 when the next step follows at once. */
    duration: duration('365 d').optional(),
  })
  .strict();

const dispenseStep = z
  .object({
    ...common,
    type: z.literal('dispense'),
    reagent: reagentId,
    volume: qty('volume', { gt: '0 mL', max: '10 L' }).optional(),
    mass: qty('mass', { gt: '0 g', max: '10 kg' }).optional(),
    rate: qty('volumeFlow', { gt: '0 mL/min', max: '1 L/min' }).optional(),
    vessel: locationId,
  })
  .strict();

const heatStep = z
  .object({
    ...common,
    type: z.literal('heat'),
    vessel: locationId,
    setpoint: temperature(),
    ramp: qty('temperatureRate', { gt: '0 K/min', max: '100 K/min' }).optional(),
    tolerance: qty('temperatureDelta', { gt: '0 K', max: '20 K' }).optional(),
  })
  .strict();

const holdStep = z
  .object({
    ...common,
    type: z.literal('hold'),
    vessel: locationId.optional(),
    duration: positiveDuration(),
    /** Temperature held (the controller keeps it within tolerance for the whole hold). */
    temperature: temperature().optional(),
    tolerance: qty('temperatureDelta', { gt: '0 K', max: '20 K' }).optional(),
    atmosphere: z.enum(['N2', 'Ar', 'vacuum', 'air']).optional(),
  })
  .strict();

const stirStep = z
  .object({
    ...common,
    type: z.literal('stir'),
    vessel: locationId,
    speed: qty('rotation', { gt: '0 rpm', max: '3000 rpm' }),
    duration: duration().optional(),
  })
  .strict();

const waitStep = z
  .object({ ...common, type: z.literal('wait'), duration: duration(), reason: text(500).optional() })
  .strict();

const drainStep = z
  .object({ ...common, type: z.literal('drain'), vessel: locationId, duration: duration('2 h').optional() })
  .strict();

const washStep = z
  .object({
    ...common,
    type: z.literal('wash'),
    solvent: text(200),
    location: locationId.default('wash-1'),
    cycles: z.number().int().min(1).max(50).optional(),
    untilConstantMass: z.boolean().default(false),
    cycleDuration: positiveDuration('24 h').optional(),
    temperature: temperature().optional(),
  })
  .strict();

const dryStep = z
  .object({
    ...common,
    type: z.literal('dry'),
    location: locationId.default('dryer-1'),
    temperature: temperature(),
    vacuum: qty('pressure', { gt: '0 Pa', max: '100 kPa' }).optional(),
    duration: positiveDuration().optional(),
    untilConstantMass: z
      .object({
        tolerance: qty('mass', { gt: '0 mg', max: '1 g' }),
        interval: positiveDuration('24 h'),
        maxDuration: positiveDuration('30 d'),
      })
      .strict()
      .optional(),
  })
  .strict();

const measureStep = z
  .object({
    ...common,
    type: z.literal('measure'),
    /** What is measured, e.g. "ion-exchange-capacity", "conductivity". */
    property: text(100),
    instrument: text(200),
    /** Name of the recorded value; outputs read it. */
    record: valueName,
    /** Unit the reading is recorded in, e.g. "mmol/g", "mS/cm". */
    unit: text(40),
    conditions: text(500).optional(),
    by: by.default('operator'),
    duration: duration('7 d').optional(),
  })
  .strict();

/** Post-grafting chemistry that turns a graft into an ion exchanger or an adsorbent. */
export const REACTIONS = ['sulfonation', 'amination', 'quaternization', 'hydrolysis'] as const;
export type Reaction = (typeof REACTIONS)[number];

const functionalizeStep = z
  .object({
    ...common,
    type: z.literal('functionalize'),
    reaction: z.enum(REACTIONS),
    /** What the film reacts with, e.g. "chlorosulfonic acid in 1,2-dichloroethane", "45 wt% aqueous trimethylamine". */
    reagent: text(200),
    /** As the bench writes it: "2 vol%", "45 wt%", "1 mol/L". */
    concentration: text(40),
    temperature: temperature(),
    time: positiveDuration('14 d'),
    /**
     * Where it is done: a fume-hood flask the inventory declares (the reagents fume and corrode, so no reactor
     * block's pump holds them); the operator does it there and confirms.
     */
    vessel: locationId.default('hood-1/flask'),
    /** Reagent volume, checked against the flask's volume. */
    volume: qty('volume', { gt: '0 mL', max: '5 L' }).optional(),
  })
  .strict();

/** Settings of one conductivity measurement in the impedance cell. */
const conductivityMode = z.enum(['in-plane', 'through-plane']);

const titrateStep = z
  .object({
    ...common,
    type: z.literal('titrate'),
    /** Ion-exchange capacity by exchange and titration; the method is stored on the titrator. */
    method: text(40).default('IEC-NAOH'),
    /** The dry mass the IEC is per (a weigh step's record, e.g. "W_g"). */
    mass: valueName,
    /** Name of the recorded IEC (mmol/g); outputs read it. */
    record: valueName.optional(),
  })
  .strict();

const impedanceStep = z
  .object({
    ...common,
    type: z.literal('impedance'),
    mode: conductivityMode.default('in-plane'),
    /** Name of the recorded conductivity (mS/cm); outputs read it. */
    record: valueName.optional(),
  })
  .strict();

/** What a soak visit measures: conductivity in the impedance cell, IEC on the titrator. */
const soakMeasure = z.enum(['conductivity', 'ion-exchange-capacity']);

const soakStep = z
  .object({
    ...common,
    type: z.literal('soak'),
    /** The ageing medium, e.g. "1 M KOH", "3 wt% H2O2"; the soak bath of the inventory must hold it. */
    medium: text(100),
    temperature: temperature(),
    /** Soak bath location (default: the lab's). */
    location: locationId.default('soak-bath-1'),
    /** Times on test at which the film is taken out and measured, e.g. ["0 h", "100 h", "250 h", "500 h"]. */
    visits: z.array(duration('730 d')).min(1).max(50),
    measure: z.array(soakMeasure).min(1).max(2),
    mode: conductivityMode.default('in-plane'),
    /** The dry mass IEC visits are per (a weigh step's record). */
    mass: valueName.optional(),
  })
  .strict();

const promptAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('load-sample'), location: locationId }).strict(),
  z.object({ kind: z.literal('fill-reagent'), reagent: reagentId }).strict(),
  /** Each film into its own sealed ampoule of the reagent (simultaneous grafting). */
  z.object({ kind: z.literal('immerse'), reagent: reagentId }).strict(),
]);

const promptStep = z
  .object({
    ...common,
    type: z.literal('prompt'),
    message: text(2000),
    /** A structured action a virtual operator can perform; free text otherwise. */
    action: promptAction.optional(),
    timeout: positiveDuration('7 d').optional(),
  })
  .strict();

/** Recursion through a lazy reference typed by hand (TypeScript cannot infer a self-referencing schema). */
const stepRef: z.ZodType<Step, StepInput> = z.lazy(() => stepSchema);

const parallelStep = z
  .object({
    ...common,
    type: z.literal('parallel'),
    /** Steps that start together and may overlap; the block ends when the last one ends. */
    steps: z.array(stepRef).min(1).max(50),
  })
  .strict();

/** The step library, one schema per `type`. */
export const STEP_SCHEMAS = {
  weigh: weighStep,
  transfer: transferStep,
  purge: purgeStep,
  'evacuate-refill': evacuateRefillStep,
  irradiate: irradiateStep,
  store: storeStep,
  dispense: dispenseStep,
  heat: heatStep,
  hold: holdStep,
  stir: stirStep,
  wait: waitStep,
  drain: drainStep,
  wash: washStep,
  dry: dryStep,
  measure: measureStep,
  prompt: promptStep,
  functionalize: functionalizeStep,
  titrate: titrateStep,
  impedance: impedanceStep,
  soak: soakStep,
  parallel: parallelStep,
} as const;

export type StepType = keyof typeof STEP_SCHEMAS;
export const STEP_TYPES = Object.keys(STEP_SCHEMAS) as StepType[];

const leafSteps = [
  weighStep,
  transferStep,
  purgeStep,
  evacuateRefillStep,
  irradiateStep,
  storeStep,
  dispenseStep,
  heatStep,
  holdStep,
  stirStep,
  waitStep,
  drainStep,
  washStep,
  dryStep,
  measureStep,
  promptStep,
  functionalizeStep,
  titrateStep,
  impedanceStep,
  soakStep,
] as const;

export const stepSchema = z.discriminatedUnion('type', [...leafSteps, parallelStep]).meta({
  id: 'Step',
  title: `graftlab protocol step ${STEPS_SCHEMA_VERSION}`,
  'x-graftlab-schema-version': STEPS_SCHEMA_VERSION,
});

type LeafStep = z.output<(typeof leafSteps)[number]>;
type LeafStepInput = z.input<(typeof leafSteps)[number]>;

export interface ParallelStep {
  key: string;
  type: 'parallel';
  title?: string;
  note?: string;
  steps: Step[];
}
interface ParallelStepInput {
  key: string;
  type: 'parallel';
  title?: string;
  note?: string;
  steps: StepInput[];
}
/** A validated step (defaults applied), discriminated on `type`. */
export type Step = LeafStep | ParallelStep;
export type StepInput = LeafStepInput | ParallelStepInput;
export type StepOf<T extends StepType> = Extract<Step, { type: T }>;
export type PromptAction = z.output<typeof promptAction>;
