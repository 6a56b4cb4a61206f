import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { ApiClient } from '../api-client';
import type { CliOutput } from '../cli-output';

export interface RunView {
  id: string;
  state: string;
  reason: string | null;
  station: string | null;
  parameters: Record<string, unknown>;
  steps: { key: string; state: string; type: string }[];
  results: Record<
    string,
    { value: number; unit: string | null; uncertainty: number | null; sampleId: string }
  >;
  startedAt: string | null;
  finishedAt: string | null;
}

const TERMINAL = new Set(['completed', 'failed', 'aborted', 'waiting-operator']);

/**
 * Follows runs until each has ended (or waits for a person), with one progress bar per run on a terminal and
 * a line per change otherwise. Returns the final views.
 */
export async function watchRuns(
  api: ApiClient,
  ids: readonly string[],
  out: CliOutput,
  options: { pollMs?: number; timeoutMs?: number } = {},
): Promise<RunView[]> {
  const views = new Map<string, RunView>();
  const bars = new Map<string, SingleBar>();
  const multibar = out.interactive
    ? new MultiBar(
        {
          format: ' {run} {bar} {value}/{total} steps  {state} {step}',
          hideCursor: true,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      )
    : undefined;
  const lastLine = new Map<string, string>();
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  try {
    for (;;) {
      for (const id of ids) {
        const view = await api.get<RunView>(`/api/runs/${id}`);
        views.set(id, view);
        const done = view.steps.filter((s) => s.state === 'confirmed').length;
        const current =
          view.steps.find((s) => s.state !== 'confirmed' && s.state !== 'planned')?.key ??
          view.steps.find((s) => s.state === 'planned')?.key ??
          '';
        const label = `${id.slice(0, 8)} ${view.station ?? ''}`;
        if (multibar) {
          let bar = bars.get(id);
          if (!bar)
            bars.set(
              id,
              (bar = multibar.create(view.steps.length, 0, { run: label, state: view.state, step: '' })),
            );
          bar.update(done, { run: label, state: view.state, step: TERMINAL.has(view.state) ? '' : current });
        } else {
          const line = `run ${label}: ${view.state} ${done}/${view.steps.length} steps${current && !TERMINAL.has(view.state) ? ` (${current})` : ''}`;
          if (lastLine.get(id) !== line) out.out(line);
          lastLine.set(id, line);
        }
      }
      if ([...views.values()].every((v) => TERMINAL.has(v.state))) break;
      if (Date.now() > deadline) throw new Error('runs did not finish in time');
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  } finally {
    multibar?.stop();
  }
  return ids.map((id) => views.get(id)!);
}
