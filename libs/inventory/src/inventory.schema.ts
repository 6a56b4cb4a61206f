import { z } from 'zod';

export const INVENTORY_SCHEMA_VERSION = '1.0';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected an id of lower-case letters, digits and dashes' });

export const DRIVERS = [
  'ne1000', // New Era NE-1000/NE-500 syringe pump (basic or safe mode)
  'cavro-xcalibur', // Tecan Cavro XCalibur, DT protocol
  'mt-sics', // Mettler Toledo MT-SICS balance
  'sc10', // Thorlabs SC10-style shutter controller
  'julabo', // JULABO circulator
  'alicat', // Alicat mass-flow controller
  'irradiator-mqtt', // γ-irradiator / facility controller over MQTT 5
  'o2-sensor-mqtt', // O₂ sensor over MQTT
  'robot-mqtt', // sample-handling robot over MQTT 5
  'titrino', // Metrohm Titrino plus-style autotitrator, RS-232 remote control
  'e4990a', // Keysight E4990A-style impedance analyser, SCPI over a raw TCP socket
] as const;
export type DriverName = (typeof DRIVERS)[number];

export const ROLES = [
  'dispenser',
  'balance',
  'shutter',
  'irradiator',
  'temperature-controller',
  'gas-controller',
  'o2-sensor',
  'sample-handler',
  'titrator',
  'impedance-analyser',
] as const;
export type DeviceRole = (typeof ROLES)[number];

export const serialSettingsSchema = z
  .object({
    baudRate: z.number().int().positive(),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
    rtscts: z.boolean().default(false),
  })
  .strict();

export const irradiationPositionSchema = z
  .object({
    id,
    /** Dose rate measured at calibratedAt, in kGy/h. */
    doseRateKGyPerH: z.number().positive(),
    calibratedAt: z.iso.date({ message: 'expected a date YYYY-MM-DD' }),
    calibrationId: z.string().min(1),
    dosimeter: z.string().min(1),
    nuclide: z.enum(['Co-60', 'Cs-137', 'none']).default('Co-60'),
    /** Dose-rate uncertainty, relative (0.03 = 3 %). */
    relativeUncertainty: z.number().min(0).max(1).default(0.03),
  })
  .strict();

export const balanceCalibrationSchema = z
  .object({
    calibrationId: z.string().min(1),
    calibratedAt: z.iso.date({ message: 'expected a date YYYY-MM-DD' }),
    /** Standard deviation of repeated weighings, mg. */
    repeatabilityMg: z.number().positive(),
    readabilityMg: z.number().positive(),
  })
  .strict();

export const deviceSchema = z
  .object({
    id,
    title: z.string().optional(),
    driver: z.enum(DRIVERS),
    role: z.enum(ROLES),
    /** serial:///dev/ttyUSB0, tcp://host:port (serial device server), or mqtt (the lab broker). */
    transport: z.string().regex(/^(serial:\/\/\/.+|tcp:\/\/[^:/]+:\d+|mqtt)$/, {
      message: 'expected serial:///dev/<port>, tcp://<host>:<port> or mqtt',
    }),
    serial: serialSettingsSchema.optional(),
    /** Multi-drop address where the protocol has one (New Era 0-99, Cavro switch 0-15, Alicat A-Z). */
    address: z.union([z.number().int().min(0), z.string().min(1)]).optional(),
    /** New Era: basic or safe mode. */
    mode: z.enum(['basic', 'safe']).optional(),
    limits: z.record(z.string(), z.number()).default({}),
    positions: z.array(irradiationPositionSchema).optional(),
    calibration: balanceCalibrationSchema.optional(),
    /** Syringe or reservoir the dispenser draws from: reagent id and syringe inner diameter. */
    reagent: z.string().optional(),
    syringeDiameterMm: z.number().positive().optional(),
    syringeVolumeMl: z.number().positive().optional(),
    /** Request timeout for one command, ms. */
    timeoutMs: z.number().int().positive().default(2000),
  })
  .strict();

export const locationSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-/]*$/, { message: 'expected a location id such as rack-a/1' }),
    /** measurement: the cell of a characterisation instrument (titration vessel, impedance cell). */
    kind: z.enum([
      'storage',
      'freezer',
      'irradiation',
      'balance',
      'reactor',
      'wash',
      'dryer',
      'transfer',
      'measurement',
      // A thermostatted bath of an ageing medium where films park for weeks (alkaline durability tests).
      'soak',
      // A fume-hood flask for post-grafting chemistry with fuming or corrosive reagents, done by a person.
      'fume-hood',
    ]),
    station: id.optional(),
    device: id.optional(),
    temperatureC: z.number().optional(),
    maxVolumeMl: z.number().positive().optional(),
    /** What a soak bath holds, e.g. "1 M KOH" (its temperature is temperatureC). */
    medium: z.string().min(1).optional(),
    capacity: z.number().int().positive().default(1),
  })
  .strict();

export const stationSchema = z
  .object({
    id,
    title: z.string().optional(),
    /** Devices this station owns (its worker opens them). */
    devices: z.array(id).min(1),
    /** The reactor vessel location of this station. */
    vessel: z.string().min(1),
  })
  .strict();

export const labSafetySchema = z
  .object({
    maxDosePerSampleKGy: z.number().positive(),
    maxDosePerRunKGy: z.number().positive(),
    /** Doses above this need a safety officer's approval. */
    approvalDoseKGy: z.number().positive(),
    o2MaxPpm: z.number().positive(),
    minPurgeMin: z.number().min(0),
    flashPointMarginC: z.number().min(0),
    requireDoorClosed: z.literal(true),
  })
  .strict();

export const inventorySchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(INVENTORY_SCHEMA_VERSION),
    id,
    title: z.string().min(1),
    safety: labSafetySchema,
    stations: z.array(stationSchema).min(1),
    /** Instruments shared across stations and leased per run (irradiator, balance, robot). */
    shared: z.array(id).default([]),
    devices: z.array(deviceSchema).min(1),
    locations: z.array(locationSchema).min(1),
  })
  .strict();

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryDevice = z.infer<typeof deviceSchema>;
export type InventoryStation = z.infer<typeof stationSchema>;
export type InventoryLocation = z.infer<typeof locationSchema>;
export type IrradiationPosition = z.infer<typeof irradiationPositionSchema>;
export type SerialSettings = z.infer<typeof serialSettingsSchema>;
export type LabSafety = z.infer<typeof labSafetySchema>;
