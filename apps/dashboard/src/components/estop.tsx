import { useState } from 'preact/hooks';
import { get, post, type Actor } from '../api';
import { usePoll } from '../hooks';
import { time } from '../format';
import { useLive } from '../live';

const MAY_ESTOP = ['operator', 'scientist', 'safety-officer', 'admin'];

/** Always in view (sticky header): one press, no confirmation dialog, every device of the lab to its safe state. */
export function EstopButton(props: { actor: Actor }) {
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | 'error'>('idle');
  const [message, setMessage] = useState('');
  if (!MAY_ESTOP.includes(props.actor.role)) return null;
  const press = () => {
    setState('sending');
    post<{ workers: number }>('/api/estop', { reason: `dashboard e-stop by ${props.actor.name}` }).then(
      (r) => {
        setState('sent');
        setMessage(`sent to ${r.workers} worker${r.workers === 1 ? '' : 's'}`);
      },
      (e: Error) => {
        setState('error');
        setMessage(e.message);
      },
    );
  };
  return (
    <div class="estop-wrap">
      <button class="estop" onClick={press} disabled={state === 'sending'} aria-describedby="estop-status">
        E-STOP
      </button>
      <span id="estop-status" class="estop-status" role="status">
        {state === 'sending' ? 'sending…' : message}
      </span>
    </div>
  );
}

/** Latched e-stop: what each device reported, and the reset for a safety officer. */
export function EstopBanner(props: { actor: Actor }) {
  const live = useLive();
  const estop = usePoll(() => get<{ active: boolean }>('/api/estop'), 3000, [live.estops.length]);
  const [error, setError] = useState('');
  if (!estop.data?.active) return null;
  const last = live.estops.at(-1);
  const reset = () =>
    void post('/api/estop/reset').then(
      () => estop.reload(),
      (e: Error) => setError(e.message),
    );
  return (
    <div class="estop-banner" role="alert" data-testid="estop-banner">
      <strong>E-STOP latched.</strong> Devices are held in their safe state; running runs abort.
      {last && (
        <span>
          {' '}
          Last report {time(last.at)}: {last.devices.filter((d) => d.ok).length} of {last.devices.length}{' '}
          devices safe
          {last.devices.some((d) => !d.ok) && (
            <b>
              {' '}
              — not confirmed:{' '}
              {last.devices
                .filter((d) => !d.ok)
                .map((d) => d.deviceId)
                .join(', ')}
            </b>
          )}
          .
        </span>
      )}
      {(props.actor.role === 'safety-officer' || props.actor.role === 'admin') && (
        <button onClick={reset}>Reset e-stop</button>
      )}
      {error && <span class="error"> {error}</span>}
    </div>
  );
}
