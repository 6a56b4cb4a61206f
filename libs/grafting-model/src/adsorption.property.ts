/**
 * CO2 uptake of an aminated (GMA or 4-HB, ethylenediamine) adsorbent at 25 °C, 15 kPa CO2, dry: all [A].
 * Two amines bind one CO2 (carbamate), a Langmuir term for the partial pressure, and a fixed share of amines
 * that the gas reaches inside the graft.
 */
export const CO2_SORPTION = {
  aminesPerCo2: 2,
  langmuirPerKPa: 0.2,
  partialPressureKPa: 15,
  accessibleFraction: 0.8,
} as const;

/**
 * mmol CO2 per g, proportional to the amine density, which saturates with DG (the graft's own mass dilutes it)
 * and carries the amination's conversion.
 */
export function co2CapacityMmolPerG(amineMmolPerG: number): number {
  const s = CO2_SORPTION;
  const kp = s.langmuirPerKPa * s.partialPressureKPa;
  return (amineMmolPerG / s.aminesPerCo2) * (kp / (1 + kp)) * s.accessibleFraction;
}
