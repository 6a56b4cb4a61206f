/** A structured action a prompt asks for, so a virtual operator (or a robot cell) can perform it. */
export type OperatorAction =
  | {
      kind: 'load-sample';
      sampleId: string;
      location: string;
      basePolymer: string;
      thicknessUm: number;
      nominalMassG: number;
    }
  | {
      kind: 'fill-reagent';
      device: string;
      reagent: string;
      monomer: string;
      concentrationWtPct: number;
      medium: string;
    };

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
}

/** Operator prompts: the engine asks and waits for an acknowledgement (dashboard, CLI or virtual operator). */
export interface OperatorChannel {
  ask(prompt: OperatorPrompt, options: { timeoutMs: number; signal?: AbortSignal }): Promise<OperatorAnswer>;
}
