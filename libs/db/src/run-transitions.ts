import type { RunState, StepState, SuggestionState } from './schema';

/** Allowed run state changes; terminal states (completed, failed, aborted) have none. */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ['running', 'paused', 'aborted', 'failed'],
  running: ['paused', 'waiting-operator', 'soaking', 'completed', 'failed', 'aborted'],
  paused: ['queued', 'running', 'aborted', 'failed'],
  'waiting-operator': ['queued', 'running', 'paused', 'aborted', 'failed'],
  // The next visit's job takes it up again; a person may end it meanwhile.
  soaking: ['running', 'aborted', 'failed'],
  completed: [],
  failed: [],
  aborted: [],
};

export const TERMINAL_RUN_STATES: readonly RunState[] = ['completed', 'failed', 'aborted'];

/**
 * Allowed step journal moves. A step may skip acknowledged (devices without acks) and go straight to
 * confirmed; any in-flight state may become uncertain (crash, lost link) and is then reconciled into
 * confirmed, settled or failed. confirmed, settled, skipped and failed are final.
 */
export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = {
  planned: ['intent-recorded', 'skipped', 'failed'],
  'intent-recorded': ['dispatched', 'uncertain', 'settled', 'skipped', 'failed'],
  dispatched: ['acknowledged', 'confirmed', 'uncertain', 'settled', 'failed'],
  acknowledged: ['confirmed', 'uncertain', 'settled', 'failed'],
  uncertain: ['confirmed', 'settled', 'failed'],
  confirmed: [],
  settled: [],
  skipped: [],
  failed: [],
};

/** Steps a restart must reconcile from what the devices report before anything else runs. */
export const UNSETTLED_STEP_STATES: readonly StepState[] = [
  'intent-recorded',
  'dispatched',
  'acknowledged',
  'uncertain',
];

export const SUGGESTION_TRANSITIONS: Readonly<Record<SuggestionState, readonly SuggestionState[]>> = {
  // proposed → queued directly when the campaign's autonomy envelope allows it.
  proposed: ['approved', 'rejected', 'queued'],
  approved: ['queued', 'rejected'],
  queued: ['completed', 'failed'],
  rejected: [],
  completed: [],
  failed: [],
};
