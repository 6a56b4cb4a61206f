import {
  connectMqttLink,
  fenceTokenOf,
  FENCED_CODE,
  parseJsonObject,
  topics,
  uniqueClientId,
  type MqttLink,
  type MqttMessage,
  type ReplyPayload,
} from '@graftlab/devices';
import { ActiveFaultPlan } from '../faults/active-fault-plan';
import type { Fault, FaultKind } from '../faults/fault-plan';
import type { LabWorld } from '../world/lab-world';

/** Where a twin's MQTT connection goes. */
export interface TwinBrokerOptions {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly labId: string;
  /** 5, or 4 for an MQTT 3.1.1 broker (aedes). */
  readonly protocolVersion?: 4 | 5;
}

/** Why a command is refused at once, or why it failed later. */
export class TwinRefusal extends Error {
  constructor(
    readonly code: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** What a twin does with an accepted command: the promise resolves with the completion's result. */
export type Execution = Promise<Record<string, unknown>>;

const DEDUP_WINDOW = 10_000;

/** One command the twin answered, with the lease generation it carried (the test's count of stale commands). */
export interface FencedCommandRecord {
  readonly commandId: string;
  readonly name: string;
  readonly generation?: number;
  readonly holder?: string;
  /** Wall-clock ms when the twin decided. */
  readonly at: number;
  readonly verdict: 'accepted' | 'fenced';
}

/**
 * An instrument on the broker: retained status with a last will, commands as MQTT 5 requests answered with the
 * two-phase acknowledgement, duplicates (same commandId) acknowledged but not executed again, and faults.
 */
export abstract class MqttTwin {
  readonly faults: ActiveFaultPlan;
  protected readonly counts = new Map<string, number>();
  private readonly seen = new Map<string, { final?: ReplyPayload; waiters: ((r: ReplyPayload) => void)[] }>();
  private unsubscribe?: () => Promise<void>;
  /** The highest lease generation any command carried (a facility controller's fencing register). */
  private highestGeneration = 0;
  private readonly commandLog: FencedCommandRecord[] = [];

  protected constructor(
    readonly id: string,
    protected readonly world: LabWorld,
    protected readonly link: MqttLink,
    /** Firmware / identity string, in the retained status and the answer to cmd/identify. */
    readonly fw: string,
  ) {
    this.faults = new ActiveFaultPlan((c) => this.onFaultChange(c.injected, c.cleared));
  }

  /** Opens a twin's own connection: its status is retained online, and its last will says offline. */
  protected static connectLink(deviceId: string, fw: string, broker: TwinBrokerOptions): Promise<MqttLink> {
    return connectMqttLink({
      url: broker.url,
      username: broker.username,
      password: broker.password,
      labId: broker.labId,
      protocolVersion: broker.protocolVersion,
      clientId: uniqueClientId(`vlab-${deviceId}`),
      status: { topic: topics.status(broker.labId, deviceId), fw },
    });
  }

  get labId(): string {
    return this.link.labId;
  }

  /** Where the twin listens (for the virtual lab's listing). */
  get endpoint(): string {
    return this.commandFilter();
  }

  protected commandFilter(): string {
    return topics.command(this.labId, this.id, '+');
  }

  /** The command id of a request (prompts use their promptId). */
  protected commandIdOf(payload: Record<string, unknown>): string | undefined {
    return typeof payload.commandId === 'string' && payload.commandId ? payload.commandId : undefined;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.link.subscribe(this.commandFilter(), (m) => void this.onCommand(m));
  }

  /** Executes a command or throws TwinRefusal (the immediate `rejected`). */
  protected abstract execute(name: string, payload: Record<string, unknown>): Execution;

  /** Every command executed or refused as fenced, in order, with its generation (newest 10 000). */
  commands(): readonly FencedCommandRecord[] {
    return [...this.commandLog];
  }

  /** The highest lease generation seen: a command carrying a lower one is refused. */
  get fencingGeneration(): number {
    return this.highestGeneration;
  }

  counters(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  protected count(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  private async onCommand(m: MqttMessage): Promise<void> {
    this.count('received');
    const payload = parseJsonObject(m.payload);
    const name = m.topic.split('/').pop() ?? '';
    if (!m.responseTopic || !m.correlationData || !payload) {
      this.count('malformed');
      return;
    }
    if (this.faults.has('no-reply')) {
      this.count('swallowed');
      return;
    }
    const slow = this.faults.take('slow');
    if (slow) await new Promise((r) => setTimeout(r, slow.delayMs));
    const reply = (r: ReplyPayload) => this.reply(m, r);
    const commandId = this.commandIdOf(payload);
    if (!commandId) {
      await reply({
        phase: 'rejected',
        commandId: '',
        code: 'protocol',
        reason: 'command without commandId',
      });
      return;
    }
    const fault = this.faults.take('device-error');
    if (fault) {
      this.count('device-errors');
      await reply({
        phase: 'rejected',
        commandId,
        code: fault.code ?? 'device-error',
        reason: 'injected device error',
      });
      return;
    }
    const known = this.seen.get(commandId);
    if (known) {
      // QoS 1 is at-least-once: a redelivery is acknowledged and answered, never executed twice.
      this.count('duplicates');
      if (known.final?.phase === 'rejected') return reply({ ...known.final, duplicate: true });
      await reply({ phase: 'accepted', commandId, duplicate: true });
      if (known.final) await reply({ ...known.final, duplicate: true });
      else known.waiters.push((r) => void reply({ ...r, duplicate: true }));
      return;
    }
    // Fencing, as a facility controller does it: a generation below the highest seen is a holder whose lease
    // was taken over (paused, partitioned); refused before anything moves. A command without a token comes from
    // no lease (an e-stop, a read) and is only counted.
    const token = fenceTokenOf(payload);
    const record = { commandId, name, generation: token?.generation, holder: token?.holder, at: Date.now() };
    if (token && (token.resource !== this.id || token.generation < this.highestGeneration)) {
      this.count('fenced');
      this.log({ ...record, verdict: 'fenced' });
      await reply({
        phase: 'rejected',
        commandId,
        code: FENCED_CODE,
        reason:
          token.resource !== this.id
            ? `lease token is for ${token.resource}, not ${this.id}`
            : `stale lease generation ${token.generation}: ${this.id} is held under generation ${this.highestGeneration}`,
      });
      return;
    }
    if (token) this.highestGeneration = token.generation;
    else this.count('unfenced');
    const entry: { final?: ReplyPayload; waiters: ((r: ReplyPayload) => void)[] } = { waiters: [] };
    this.remember(commandId, entry);
    let execution: Execution;
    try {
      execution = name === 'identify' ? Promise.resolve({ fw: this.fw }) : this.execute(name, payload);
    } catch (e) {
      const r = this.refusal(commandId, e, 'rejected');
      entry.final = r;
      this.count('rejected');
      await reply(r);
      return;
    }
    this.count(`executed:${name}`);
    this.log({ ...record, verdict: 'accepted' });
    await reply({ phase: 'accepted', commandId });
    let final: ReplyPayload;
    try {
      final = { phase: 'completed', commandId, result: await execution };
    } catch (e) {
      final = this.refusal(commandId, e, 'failed');
    }
    entry.final = final;
    await reply(final);
    entry.waiters.splice(0).forEach((w) => w(final));
  }

  private refusal(commandId: string, e: unknown, phase: 'rejected' | 'failed'): ReplyPayload {
    if (e instanceof TwinRefusal) return { phase, commandId, code: e.code, reason: e.message };
    return { phase, commandId, code: 'internal', reason: (e as Error).message };
  }

  private log(r: FencedCommandRecord): void {
    this.commandLog.push(r);
    if (this.commandLog.length > DEDUP_WINDOW) this.commandLog.shift();
  }

  private remember(
    commandId: string,
    entry: { final?: ReplyPayload; waiters: ((r: ReplyPayload) => void)[] },
  ) {
    this.seen.set(commandId, entry);
    if (this.seen.size > DEDUP_WINDOW) this.seen.delete(this.seen.keys().next().value!);
  }

  private async reply(m: MqttMessage, r: ReplyPayload): Promise<void> {
    await this.link
      .publish(m.responseTopic!, JSON.stringify(r), { qos: 1, correlationData: m.correlationData })
      .catch(() => this.count('reply-lost'));
  }

  protected onFaultChange(injected?: Fault, cleared?: FaultKind[]): void {
    if (injected?.kind === 'drop-connection') {
      this.count('drops');
      this.faults.clear('drop-connection');
      this.link.dropConnection({ reconnect: true });
    } else if (injected?.kind === 'unplug') {
      this.count('unplugs');
      this.link.dropConnection({ reconnect: false });
    }
    if (cleared?.includes('unplug')) this.link.reconnect();
  }

  async close(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
    await this.link.close();
  }
}
