import type { OperatorAction } from '@graftlab/devices';

export type { OperatorAction };

export interface OperatorPrompt {
  readonly promptId: string;
  readonly runId: string;
  readonly stepKey: string;
  readonly message: string;
  readonly action?: OperatorAction;
}

export interface OperatorAnswer {
  readonly by: string;
  readonly note?: string;
  /** A value the operator entered (measure steps). */
  readonly value?: number;
  /** Its standard uncertainty, in the same unit, when the operator (or the instrument) states one. */
  readonly uncertainty?: number;
}

/** Operator prompts: the engine asks and waits for an acknowledgement (dashboard, CLI or virtual operator). */
export interface OperatorChannel {
  ask(prompt: OperatorPrompt, options: { timeoutMs: number; signal?: AbortSignal }): Promise<OperatorAnswer>;
}
