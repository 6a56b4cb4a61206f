import { get, type Actor, type Device, type DeviceStatus, type Station } from '../api';
import { PromptsPanel } from '../components/prompts';
import { Badge, Empty, ErrorLine, Panel } from '../components/ui';
import { ago, num } from '../format';
import { useNow, usePoll } from '../hooks';
import { useLive, type LiveState } from '../live';

/** The few readings worth a glance, from whatever the driver reports. */
/** The instrument's own live readings first (e.g. O₂ ppm), then what its last status poll reported. */
function telemetry(
  status: DeviceStatus | null | undefined,
  readings: LiveState['telemetry'][string] = {},
): string {
  const live = Object.entries(readings).map(([k, r]) => `${k} ${num(r.value)}${r.unit ? ` ${r.unit}` : ''}`);
  const detail = status?.detail ?? {};
  const polled = Object.entries(detail)
    .filter(
      ([, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length < 24),
    )
    .map(([k, v]) => `${k} ${num(v)}`);
  return [...live, ...polled].slice(0, 4).join(' · ');
}

export function OverviewView(_props: { actor: Actor }) {
  const live = useLive();
  const now = useNow(2000);
  const devices = usePoll(() => get<Device[]>('/api/devices'), 5000);
  const stations = usePoll(() => get<Station[]>('/api/stations'), 5000);
  const estop = usePoll(() => get<{ active: boolean }>('/api/estop'), 3000, [live.estops.length]);
  // Live snapshots win over the last poll. While an e-stop is latched, each device shows what the workers
  // reported when they drove it safe.
  const lastEstop = estop.data?.active ? live.estops.at(-1) : undefined;
  const statusOf = (d: Device): DeviceStatus | null => live.devices[d.id]?.status ?? d.status;
  const updated = (d: Device) => live.devices[d.id]?.receivedAt;
  const list = devices.data ?? [];
  const alarms = list.filter((d) => ['alarm', 'offline'].includes(statusOf(d)?.state ?? ''));
  return (
    <div class="grid">
      <Panel title="Alarms" id="alarms">
        {!alarms.length && <Empty>No device in alarm.</Empty>}
        <ul class="alarms">
          {alarms.map((d) => (
            <li key={d.id}>
              <Badge state={statusOf(d)?.state} /> <b>{d.id}</b> {statusOf(d)?.error ?? ''}
            </li>
          ))}
        </ul>
      </Panel>
      <PromptsPanel />
      <Panel title="Stations" id="stations">
        <ErrorLine error={stations.error} />
        <div class="cards">
          {(stations.data ?? []).map((s) => (
            <article class="card" key={s.id} aria-label={`station ${s.id}`}>
              <h3>{s.id}</h3>
              <p>
                worker:{' '}
                {s.worker ? <Badge state="ok" label={s.worker} /> : <Badge state="offline" label="none" />}
              </p>
              <p>
                run:{' '}
                {s.currentRun ? (
                  <a href={`#/runs/${s.currentRun}`}>{s.currentRun.slice(0, 12)}</a>
                ) : (
                  <span>idle</span>
                )}
              </p>
              <p class="sub">
                queue:{' '}
                {s.queue
                  ? `${(s.queue.waiting ?? 0) + (s.queue.prioritized ?? 0)} waiting, ${s.queue.active ?? 0} active`
                  : '–'}
              </p>
              <p class="sub">{s.devices.join(', ')}</p>
            </article>
          ))}
        </div>
      </Panel>
      <Panel title={`Devices (${list.length})`} id="devices">
        <ErrorLine error={devices.error} />
        <table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Station</th>
              <th scope="col">Driver</th>
              <th scope="col">State</th>
              <th scope="col">Last telemetry</th>
              <th scope="col">Updated</th>
              <th scope="col">E-stop</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => {
              const s = statusOf(d);
              const safe = lastEstop?.devices.find((x) => x.deviceId === d.id);
              return (
                <tr
                  key={d.id}
                  data-device={d.id}
                  data-state={s?.state ?? 'unknown'}
                  data-safe={safe ? (safe.ok ? 'confirmed' : 'failed') : lastEstop ? 'not-held' : undefined}
                >
                  <th scope="row">{d.id}</th>
                  <td>{d.station ?? (d.shared ? 'shared' : '–')}</td>
                  <td>{d.driver}</td>
                  <td>
                    <Badge state={s?.state} />
                  </td>
                  <td class="mono">{s?.error ?? telemetry(s, live.telemetry[d.id])}</td>
                  <td>{updated(d) ? ago(updated(d), now) : 'at load'}</td>
                  <td>
                    {safe ? (
                      <Badge
                        state={safe.ok ? 'safe' : 'alarm'}
                        label={safe.ok ? 'safe ✓' : `not safe: ${safe.error ?? '?'}`}
                      />
                    ) : lastEstop ? (
                      <Badge state="muted" label="not held by a worker" />
                    ) : (
                      '–'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
