/**
 * Reading names the passport and the DG computation look for. Drivers and the engine record readings
 * under these names (the value in `readings.name`); anything else is kept but not interpreted.
 */
export const READING_NAMES = {
  /** Balance replicate of the dry substrate before irradiation (g). */
  w0: 'W0',
  /** Balance replicate of the grafted, washed and dried film (g). */
  wg: 'Wg',
  /** Mass after each wash/dry cycle; successive values form the constant-mass curve (g). */
  dryMass: 'dry-mass',
  /** Bath or reactor temperature while grafting (°C). */
  graftingTemperature: 'grafting-temperature',
  /** Temperature of the irradiated film while stored before monomer contact (°C). */
  storageTemperature: 'storage-temperature',
  /** Prefix of dispensed amounts: dispensed-mass (g), dispensed-volume (mL), ... */
  dispensedPrefix: 'dispensed',
  /** Marks the moment the film met the monomer solution (value unused; device timestamp is the time). */
  monomerContact: 'monomer-contact',
} as const;
