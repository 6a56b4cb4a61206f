import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, setUnauthorizedHandler, type Actor } from './api';
import { EstopButton, EstopBanner } from './components/estop';
import { connectLive, disconnectLive, useLive } from './live';
import './styles.css';
import { AuditView } from './views/audit';
import { CampaignsView } from './views/campaigns';
import { LoginView } from './views/login';
import { OverviewView } from './views/overview';
import { ProtocolsView } from './views/protocols';
import { RankingView } from './views/ranking';
import { RunDetailView } from './views/run-detail';
import { RunsView } from './views/runs';

/** Hash routes (#/runs/<id>): the API serves one index.html and needs no fallback route. */
function useRoute(): string[] {
  const parse = () => (location.hash.replace(/^#\/?/, '') || 'overview').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

const NAV = [
  { id: 'overview', label: 'Lab overview' },
  { id: 'runs', label: 'Runs & schedule' },
  { id: 'campaigns', label: 'Campaigns' },
  { id: 'ranking', label: 'MI ranking', roles: ['scientist', 'operator', 'safety-officer', 'admin'] },
  { id: 'protocols', label: 'Protocols' },
  { id: 'audit', label: 'Audit trail', roles: ['admin', 'safety-officer'] },
];

function App() {
  const [actor, setActor] = useState<Actor | null | undefined>(undefined);
  const route = useRoute();
  const live = useLive();

  useEffect(() => {
    setUnauthorizedHandler(() => setActor(null));
    get<Actor>('/api/auth/me').then(setActor, (e: ApiError) => setActor(e.status === 401 ? null : null));
  }, []);
  useEffect(() => {
    if (actor) connectLive();
    else disconnectLive();
  }, [actor]);

  if (actor === undefined) return <p class="loading">Loading…</p>;
  if (actor === null) return <LoginView onLogin={setActor} />;

  const logout = () => {
    void post('/api/auth/logout').finally(() => setActor(null));
  };
  const [view, id] = route;
  return (
    <>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ☢
          </span>
          graftlab
        </div>
        <nav aria-label="Main">
          {NAV.filter((n) => !n.roles || n.roles.includes(actor.role)).map((n) => (
            <a href={`#/${n.id}`} aria-current={view === n.id ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span
            class={`live-dot ${live.connected ? 'on' : 'off'}`}
            title={live.connected ? 'live' : 'reconnecting'}
          />
          <span data-testid="actor">
            {actor.name} · <b>{actor.role}</b>
          </span>
          <button class="link" onClick={logout}>
            Log out
          </button>
        </div>
        <EstopButton actor={actor} />
      </header>
      <EstopBanner actor={actor} />
      <main>
        {view === 'overview' && <OverviewView actor={actor} />}
        {view === 'runs' && !id && <RunsView actor={actor} />}
        {view === 'runs' && id && <RunDetailView actor={actor} id={id} />}
        {view === 'campaigns' && <CampaignsView actor={actor} id={id} />}
        {view === 'protocols' && <ProtocolsView actor={actor} id={id} />}
        {view === 'ranking' && <RankingView actor={actor} />}
        {view === 'audit' && <AuditView />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
