import { useState } from 'preact/hooks';
import { post, type Actor } from '../api';

export function LoginView(props: { onLogin: (a: Actor) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    post<{ actor: Actor }>('/api/auth/login', { token: token.trim() }).then(
      (r) => props.onLogin(r.actor),
      (err: Error) => {
        setError(err.message);
        setBusy(false);
      },
    );
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <span aria-hidden="true">☢</span> graftlab
        </h1>
        <p>Radiation-graft polymerization lab. Sign in with your API token.</p>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="hint">
          An admin creates tokens (<code>graftlab token create --role operator --name you</code>). The token
          is kept in an httpOnly session cookie, never in page storage.
        </p>
      </form>
    </main>
  );
}
