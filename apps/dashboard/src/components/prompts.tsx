import { useState } from 'preact/hooks';
import { get, post, type Prompt } from '../api';
import { usePoll } from '../hooks';
import { ago, time } from '../format';
import { forgetPrompt, useLive } from '../live';
import { Empty, Panel } from './ui';

/** Operator prompts waiting for a person, with an acknowledge button (and a value for measure steps). */
export function PromptsPanel(props: { runId?: string }) {
  const live = useLive();
  const list = usePoll(() => get<Prompt[]>('/api/prompts'), 3000, [Object.keys(live.prompts).length]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const prompts = (list.data ?? []).filter((p) => !props.runId || p.runId === props.runId);
  const ack = (p: Prompt) => {
    const v = values[p.promptId];
    post(`/api/prompts/${encodeURIComponent(p.promptId)}/ack`, v ? { value: Number(v) } : {}).then(
      () => {
        forgetPrompt(p.promptId);
        list.reload();
      },
      (e: Error) => setError(e.message),
    );
  };
  return (
    <Panel title={`Operator prompts (${prompts.length})`} id="prompts">
      {!prompts.length && <Empty>No prompt is waiting for an operator.</Empty>}
      <ul class="prompts">
        {prompts.map((p) => (
          <li key={p.promptId}>
            <div>
              <b>{p.message}</b>
              <div class="sub">
                run <a href={`#/runs/${p.runId}`}>{p.runId}</a> · step {p.stepKey} · waiting since{' '}
                {time(p.since)} ({ago(p.since, Date.now())})
              </div>
            </div>
            {p.action === 'measure' && (
              <input
                aria-label="measured value"
                inputMode="decimal"
                value={values[p.promptId] ?? ''}
                onInput={(e) => setValues({ ...values, [p.promptId]: (e.target as HTMLInputElement).value })}
              />
            )}
            <button onClick={() => ack(p)}>Acknowledge</button>
          </li>
        ))}
      </ul>
      {error && <p class="error">{error}</p>}
    </Panel>
  );
}
