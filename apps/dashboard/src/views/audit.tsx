import { useState } from 'preact/hooks';
import { get } from '../api';
import { Badge, ErrorLine, Panel } from '../components/ui';
import { usePoll } from '../hooks';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  reason: string | null;
  hash: string;
}

export function AuditView() {
  const [afterSeq, setAfterSeq] = useState(0);
  const page = usePoll(
    () => get<{ entries: Entry[]; nextAfterSeq: number | null }>(`/api/audit?afterSeq=${afterSeq}&limit=50`),
    0,
    [afterSeq],
  );
  const verify = usePoll(
    () =>
      get<{ ok: boolean; entries?: number; firstBrokenSeq?: number; reason?: string }>('/api/audit/verify'),
    0,
  );
  return (
    <div class="grid">
      <Panel title="Audit trail (hash-chained)" id="audit">
        <p>
          {verify.data?.ok && <Badge state="ok" label={`chain intact: ${verify.data.entries} entries`} />}
          {verify.data && !verify.data.ok && (
            <Badge
              state="failed"
              label={`chain broken at entry ${verify.data.firstBrokenSeq}: ${verify.data.reason}`}
            />
          )}{' '}
          <button onClick={verify.reload}>Verify again</button>
        </p>
        <ErrorLine error={page.error} />
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {(page.data?.entries ?? []).map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>
                  {e.actor} <span class="sub">{e.role}</span>
                </td>
                <td>{e.action}</td>
                <td class="mono">{e.target ?? ''}</td>
                <td>{e.reason ?? ''}</td>
                <td class="mono">{e.hash.slice(0, 10)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="actions">
          <button onClick={() => setAfterSeq(0)} disabled={!afterSeq}>
            First page
          </button>
          <button
            onClick={() => page.data?.nextAfterSeq && setAfterSeq(page.data.nextAfterSeq)}
            disabled={!page.data?.nextAfterSeq}
          >
            Next page
          </button>
        </div>
      </Panel>
    </div>
  );
}
