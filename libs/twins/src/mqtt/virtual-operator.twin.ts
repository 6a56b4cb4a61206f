import { topics, type OperatorAction } from '@graftlab/devices';
import type { LabWorld } from '../world/lab-world';
import { measureOffline } from '../world/offline-measurement';
import { MqttTwin, TwinRefusal, type Execution, type TwinBrokerOptions } from './mqtt-twin.base';

export const OPERATOR_FW = 'VIRTUAL-OPERATOR 1.0';
export const OPERATOR_ID = 'operator';

/**
 * The virtual operator: answers requests on graftlab/<lab>/operator/prompt ({promptId, message, action?}),
 * performs the action in the world after a short (lab) delay, then replies `completed`.
 */
export class VirtualOperator extends MqttTwin {
  static async connect(
    world: LabWorld,
    broker: TwinBrokerOptions,
    delayLabMs = 30_000,
  ): Promise<VirtualOperator> {
    const link = await MqttTwin.connectLink(OPERATOR_ID, OPERATOR_FW, broker);
    const twin = new VirtualOperator(world, link, delayLabMs);
    await twin.start();
    return twin;
  }

  private constructor(
    world: LabWorld,
    link: Awaited<ReturnType<typeof MqttTwin.connectLink>>,
    private readonly delayLabMs: number,
  ) {
    super(OPERATOR_ID, world, link, OPERATOR_FW);
  }

  protected override commandFilter(): string {
    return topics.operatorPrompt(this.labId);
  }

  protected override commandIdOf(payload: Record<string, unknown>): string | undefined {
    const id = payload.commandId ?? payload.promptId;
    return typeof id === 'string' && id ? id : undefined;
  }

  protected execute(_name: string, p: Record<string, unknown>): Execution {
    const action = p.action as OperatorAction | undefined;
    if (action !== undefined && (typeof action !== 'object' || action === null))
      throw new TwinRefusal('bad-action', 'action must be an object');
    if (
      action &&
      action.kind !== 'load-sample' &&
      action.kind !== 'fill-reagent' &&
      action.kind !== 'immerse' &&
      action.kind !== 'drain' &&
      action.kind !== 'measure' &&
      action.kind !== 'functionalize'
    )
      throw new TwinRefusal(
        'unknown-action',
        `the virtual operator cannot do ${String((action as { kind: unknown }).kind)}`,
      );
    // A reaction takes its time in the hood: the operator confirms once the film is out and rinsed.
    const busyMs = action?.kind === 'functionalize' ? Math.max(0, action.timeH) * 3_600_000 : 0;
    return this.world.clock.sleep(this.delayLabMs + busyMs).then(() => {
      if (!action) {
        this.count('acknowledged');
        return { acknowledged: true };
      }
      if (action.kind === 'measure') {
        const measured = measureOffline(this.world, action.sampleId, action.property, action.unit);
        if (!measured)
          throw new TwinRefusal(
            'cannot-measure',
            `the virtual operator cannot measure ${action.property} of ${action.sampleId} in ${action.unit}`,
          );
        this.count('did:measure');
        return { done: action.kind, ...measured };
      }
      try {
        if (action.kind === 'drain') {
          this.world.drainVessel(action.location);
        } else if (action.kind === 'functionalize') {
          this.world.functionalizeSample(action.sampleId, {
            reaction: action.reaction,
            reagent: action.reagent,
            concentration: action.concentration,
            temperatureC: action.temperatureC,
            timeH: action.timeH,
          });
        } else if (action.kind === 'load-sample') {
          this.world.loadSample({
            id: action.sampleId,
            basePolymer: action.basePolymer,
            thicknessUm: action.thicknessUm,
            nominalMassG: action.nominalMassG,
            location: action.location,
          });
        } else {
          const charge = {
            reagent: action.reagent,
            monomer: action.monomer,
            concentrationWtPct: action.concentrationWtPct,
            medium: action.medium,
          };
          if (action.kind === 'immerse') this.world.immerseSample(action.sampleId, charge);
          else this.world.chargeReagent(action.device, charge);
        }
      } catch (e) {
        throw new TwinRefusal('action-failed', (e as Error).message);
      }
      this.count(`did:${action.kind}`);
      return { done: action.kind };
    });
  }
}
