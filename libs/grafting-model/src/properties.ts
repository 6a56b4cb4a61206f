/**
 * Ion-exchange capacity from the degree of grafting (reference §2.7):
 * IEC = 1000·x_f·(DG/100)/M_m / (1 + (DG/100)·M_f/M_m), mmol/g.
 */
export function ionExchangeCapacity(
  dgPct: number,
  monomerMolarMass: number,
  functionalizedMolarMass: number,
  conversion = 1,
): number {
  const g = dgPct / 100;
  return (1000 * conversion * g) / monomerMolarMass / (1 + (g * functionalizedMolarMass) / monomerMolarMass);
}
