import type { ComponentChildren } from 'preact';

const STATE_CLASS: Record<string, string> = {
  ok: 'good',
  idle: 'good',
  completed: 'good',
  confirmed: 'good',
  settled: 'good',
  safe: 'safe',
  running: 'busy',
  busy: 'busy',
  queued: 'info',
  planned: 'muted',
  proposed: 'warn',
  paused: 'warn',
  'waiting-operator': 'warn',
  soaking: 'info',
  uncertain: 'warn',
  alarm: 'bad',
  failed: 'bad',
  aborted: 'bad',
  rejected: 'muted',
  offline: 'bad',
};

/** A state as a word and a colour (the word carries the meaning; colour only helps). */
export function Badge(props: { state: string | undefined | null; label?: string }) {
  const s = props.state ?? 'unknown';
  return <span class={`badge ${STATE_CLASS[s] ?? 'muted'}`}>{props.label ?? s}</span>;
}

export function Panel(props: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  id?: string;
}) {
  return (
    <section class="panel" aria-labelledby={props.id ? `${props.id}-title` : undefined} data-panel={props.id}>
      <header>
        <h2 id={props.id ? `${props.id}-title` : undefined}>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

export function ErrorLine(props: { error: Error | undefined }) {
  return props.error ? (
    <p class="error" role="alert">
      {props.error.message}
    </p>
  ) : null;
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
