import { FaultPlan, type Fault, type FaultKind } from './fault-plan';

/** A FaultPlan that tells its twin when faults change, for faults that act at once (drop, unplug). */
export class ActiveFaultPlan extends FaultPlan {
  constructor(private readonly onChange: (change: { injected?: Fault; cleared?: FaultKind[] }) => void) {
    super();
  }

  override inject(fault: Fault, options: { once?: boolean } = {}): void {
    super.inject(fault, options);
    this.onChange({ injected: fault });
  }

  override clear(kind?: FaultKind): void {
    const cleared = kind ? (this.has(kind) ? [kind] : []) : this.list().map((f) => f.kind);
    super.clear(kind);
    this.onChange({ cleared });
  }
}
