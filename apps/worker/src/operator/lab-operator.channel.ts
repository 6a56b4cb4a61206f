import type { Redis } from 'ioredis';
import { setLongTimeout, type LabClock } from '@graftlab/clock';
import { isDeviceError, topics, type MqttLink } from '@graftlab/devices';
import type { OperatorAnswer, OperatorChannel, OperatorPrompt } from '@graftlab/engine';
import { KEYS, PromptBoard } from '@graftlab/runtime';

/** The device id a virtual operator (or an automated cell standing in for one) answers prompts under. */
const VIRTUAL_OPERATOR = 'operator';
/** How long to wait before sending a prompt again after the link or the operator was away. */
const RESEND_AFTER_MS = 500;

/**
 * Operator prompts: posted on the prompt board (the dashboard and CLI show and answer them) and sent over MQTT,
 * where a virtual operator — in the virtual lab — performs structured actions. The first answer wins.
 */
export class LabOperatorChannel implements OperatorChannel {
  private readonly board: PromptBoard;
  private readonly waiting = new Map<string, (answer: OperatorAnswer) => void>();
  private subscriber?: Redis;
  /**
   * Whether a virtual operator is on this lab's broker, from its retained status (online, or offline by its last
   * will). Once one has been seen, a prompt it did not acknowledge was lost (a broker restart, its own reconnect)
   * and is sent again; in a lab without one, people answer on the board.
   */
  private virtualOperatorSeen = false;
  private unsubscribeStatus?: () => Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly mqtt: MqttLink,
    private readonly labId: string,
    /** Prompt timeouts are lab durations (a protocol's "timeout": "2 h"): waited on the lab clock. */
    private readonly clock: LabClock,
    private readonly warn: (event: Record<string, unknown>, message: string) => void = () => undefined,
  ) {
    this.board = new PromptBoard(redis);
  }

  async listen(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_c: string, message: string) => {
      const { promptId, ...answer } = JSON.parse(message) as OperatorAnswer & { promptId: string };
      this.waiting.get(promptId)?.(answer);
    });
    await this.subscriber.subscribe(KEYS.promptAnswers);
    this.unsubscribeStatus = await this.mqtt.subscribe(
      topics.status(this.labId, VIRTUAL_OPERATOR),
      () => (this.virtualOperatorSeen = true),
      1,
    );
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    await this.unsubscribeStatus?.().catch(() => undefined);
  }

  async ask(
    prompt: OperatorPrompt,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<OperatorAnswer> {
    await this.board.post(prompt);
    const abort = new AbortController();
    const stop = () => abort.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      return await new Promise<OperatorAnswer>((resolve, reject) => {
        const realMs = this.clock.toRealMs(options.timeoutMs);
        const cancel = setLongTimeout(
          () =>
            reject(
              new Error(
                `operator prompt ${prompt.promptId} unanswered after ${formatLabDuration(options.timeoutMs)} (lab time)`,
              ),
            ),
          realMs,
        );
        const done = (answer: OperatorAnswer) => {
          cancel();
          resolve(answer);
        };
        this.waiting.set(prompt.promptId, done);
        abort.signal.addEventListener('abort', () => (cancel(), reject(abort.signal.reason as Error)), {
          once: true,
        });
        // A virtual operator (or an automated cell) may take it; a real lab's people answer on the board.
        void this.askVirtualOperator(prompt, realMs, abort.signal).then((reply) => reply && done(reply));
      });
    } finally {
      this.waiting.delete(prompt.promptId);
      options.signal?.removeEventListener('abort', stop);
      abort.abort();
      await this.board.remove(prompt.promptId);
    }
  }

  /**
   * Sends the prompt over MQTT until a virtual operator completes it or plainly is not there. A request lost
   * to a broker outage — ours or the operator's link down, or the operator not yet subscribed again after it —
   * is sent again (same promptId: the operator does it only once, and answers a repeat with the outcome).
   */
  private async askVirtualOperator(
    prompt: OperatorPrompt,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<OperatorAnswer | undefined> {
    while (!signal.aborted) {
      try {
        const reply = await this.mqtt.request(
          topics.operatorPrompt(this.labId),
          {
            commandId: prompt.promptId,
            promptId: prompt.promptId,
            runId: prompt.runId,
            message: prompt.message,
            ...(prompt.action ? { action: prompt.action } : {}),
          },
          { deviceId: VIRTUAL_OPERATOR, timeoutMs, acceptTimeoutMs: 2000, expirySeconds: 60, signal },
        );
        return {
          by: 'virtual-operator',
          note: typeof reply.reason === 'string' ? reply.reason : undefined,
          value: typeof reply.result?.value === 'number' ? reply.result.value : undefined,
          uncertainty: typeof reply.result?.uncertainty === 'number' ? reply.result.uncertainty : undefined,
        };
      } catch (e) {
        if (signal.aborted) return undefined;
        const lost =
          isDeviceError(e, 'disconnected') || (isDeviceError(e, 'timeout') && this.virtualOperatorSeen);
        const event = { promptId: prompt.promptId, runId: prompt.runId, err: (e as Error).message };
        // No answer at all from a lab without a virtual operator, or a refusal: people answer on the board.
        if (!lost) {
          this.warn(event, 'operator prompt not taken by a virtual operator; it waits on the board');
          return undefined;
        }
        this.warn(event, 'operator prompt lost on the way; sending it again');
        await new Promise((r) => setTimeout(r, RESEND_AFTER_MS));
      }
    }
    return undefined;
  }
}

/** A lab duration for people: "2 h", "30 d". */
function formatLabDuration(ms: number): string {
  const h = ms / 3600_000;
  if (h >= 48) return `${Number((h / 24).toPrecision(3))} d`;
  if (h >= 1) return `${Number(h.toPrecision(3))} h`;
  return `${Number((ms / 60_000).toPrecision(3))} min`;
}
