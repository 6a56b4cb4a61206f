import { createRng } from '@graftlab/grafting-model';
import { deviceById, doseRateAt, type Inventory, type InventoryLocation } from '@graftlab/inventory';
import type { PhysicalSample } from './physical-sample';
import { MS_PER_H } from './world.constants';

/** When an irradiator's source was up: the open interval (since) and the recent closed ones. */
interface SourceState {
  since?: number;
  intervals: [number, number][];
}

/** Closed exposure intervals kept per source; older ones are dropped so a long-running lab stays bounded. */
const MAX_INTERVALS = 1000;

/**
 * Irradiation bookkeeping of the virtual lab: when each source was exposed, and the dose the films at
 * its positions absorb for a shutter opening (or, in a facility without a shutter, for the whole time
 * the source was up), from the decay-corrected dose rate of each position.
 */
export class IrradiationLedger {
  private readonly sources = new Map<string, SourceState>();
  /** Exposures delivered so far: each one is a lot with its own draw. */
  private lots = 0;

  constructor(
    private readonly inventory: Inventory,
    private readonly locations: ReadonlyMap<string, InventoryLocation>,
    /** The world's films, read live: dose goes to those at the positions when it is delivered. */
    private readonly samples: ReadonlyMap<string, PhysicalSample>,
    private readonly options: { readonly seed: number; readonly lotNoise: boolean },
  ) {
    for (const d of inventory.devices) if (d.role === 'irradiator') this.sources.set(d.id, { intervals: [] });
  }

  setExposed(irradiatorId: string, exposed: boolean, now: number): void {
    const src = this.source(irradiatorId);
    if (exposed && src.since === undefined) src.since = now;
    if (!exposed && src.since !== undefined) {
      src.intervals.push([src.since, now]);
      if (src.intervals.length > MAX_INTERVALS) src.intervals.shift();
      const start = src.since;
      src.since = undefined;
      // A facility without a timed shutter doses for as long as the source was up.
      if (!this.inventory.devices.some((d) => d.role === 'shutter'))
        this.deliverDose(start, now, irradiatorId);
    }
  }

  exposed(irradiatorId: string): boolean {
    return this.source(irradiatorId).since !== undefined;
  }

  /** A shutter was open for openMs ending now; it sits in front of the positions of every irradiator. */
  recordShutterOpening(openMs: number, now: number): void {
    for (const irr of this.sources.keys()) this.deliverDose(now - openMs, now, irr);
  }

  private deliverDose(start: number, end: number, irradiatorId: string): void {
    const exposedMs = this.overlapExposed(irradiatorId, start, end);
    if (exposedMs <= 0) return;
    const { seed, lotNoise } = this.options;
    const device = deviceById(this.inventory, irradiatorId);
    const lot = createRng(`${seed}:lot:${this.lots++}`);
    // §2.6 lot effect: samples irradiated together share one radical-yield factor.
    const yieldFactor = lotNoise ? Math.exp(lot.normal(0, 0.05)) : 1;
    for (const loc of this.locations.values()) {
      if (loc.kind !== 'irradiation' || loc.device !== irradiatorId) continue;
      const positionId = loc.id.split('/').pop();
      const position = device?.positions?.find((p) => p.id === positionId);
      if (!position) continue;
      const rate = doseRateAt(position, new Date((start + end) / 2));
      const scatter = lotNoise ? lot.normal(0, position.relativeUncertainty) : 0;
      const delivered = rate * (exposedMs / MS_PER_H) * (1 + scatter);
      for (const s of this.samples.values()) {
        if (s.location !== loc.id) continue;
        s.doseKGy += Math.max(0, delivered);
        s.irradiatedAt = end;
        s.lotYield *= yieldFactor;
      }
    }
  }

  /** Time within [start, end] the source was up, open interval included. */
  private overlapExposed(irradiatorId: string, start: number, end: number): number {
    const src = this.source(irradiatorId);
    const intervals = [...src.intervals];
    if (src.since !== undefined) intervals.push([src.since, Math.max(end, src.since)]);
    return intervals.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, end) - Math.max(a, start)), 0);
  }

  private source(id: string): SourceState {
    let s = this.sources.get(id);
    if (!s) this.sources.set(id, (s = { intervals: [] }));
    return s;
  }
}
