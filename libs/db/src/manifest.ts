import { canonicalJson, sha256Hex } from './canonical-json';

/** Everything that determines what a run physically did; one hash that every result cites. */
export interface RunManifest {
  protocol: { id: string; version: number; contentHash: string };
  parameters: Record<string, unknown>;
  /** Lab inventory (stations, devices, locations) as loaded for the run. */
  inventory: unknown;
  /** Driver and firmware identity per device id. */
  devices: Record<string, { driver: string; driverVersion?: string; firmware?: string }>;
  /** Calibration records in force (dose-rate maps, balance checks, ...), by calibration id. */
  calibrations: Record<string, unknown>;
  /**
   * When a campaign proposed the run: the model version of the suggestion. A campaign with the database prior cites
   * `prior-<hash>+mi-<hash>` (the MI model it was warm-started from), one started from an MI ranking proposal appends
   * that ranking's `mi-<hash>`; so a run's manifest names the MI model that proposed it.
   */
  optimizerModelVersion?: string;
}

/** sha256 (hex) of the canonical JSON of the manifest: insensitive to key order, sensitive to every value. */
export function manifestHash(manifest: RunManifest): string {
  return sha256Hex(
    canonicalJson({
      protocol: manifest.protocol,
      parameters: manifest.parameters,
      inventory: manifest.inventory ?? null,
      devices: manifest.devices,
      calibrations: manifest.calibrations,
      optimizerModelVersion: manifest.optimizerModelVersion ?? null,
    }),
  );
}
