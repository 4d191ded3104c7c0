// SPDX-License-Identifier: AGPL-3.0-or-later
// The app's screens by the back end's State: no token or no back end -> an explanation;
// empty or pending (a device link under way) -> onboarding; locked -> unlock; unlocked without a community -> join; else the messenger.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, connectEvents, createApi, takeToken } from './api.js';
import { AlertRegion } from './AlertRegion.jsx';
import { Join, Onboarding, RecoveryWords, Unlock } from './Onboarding.jsx';
import { Messenger } from './Messenger.jsx';
import { Icon } from './Icon.jsx';

export function App() {
  const token = useMemo(() => takeToken(), []);
  const api = useMemo(() => (token ? createApi(token) : null), [token]);
  const [state, setState] = useState(null);
  const [failure, setFailure] = useState(null); // 'network' | 'unauthorized' | null
  const [error, setError] = useState(null);
  const [offline, setOffline] = useState(false);
  const [words, setWords] = useState(null); // recovery words, shown once after creation
  const listeners = useRef(new Set());
  const answered = useRef(false); // the back end has answered once on this page

  const refreshState = useCallback(async () => {
    if (!api) return;
    try {
      const s = await api.state();
      answered.current = true;
      setState(s);
      setFailure(null);
      setOffline(false);
    } catch (e) {
      if (e instanceof ApiError && e.network) {
        // Before the first answer: the whole page explains; afterwards a banner does, over the
        // screen the user was on (the event stream keeps trying and refreshes on reconnect).
        if (answered.current) setOffline(true);
        else setFailure('network');
      } else if (e instanceof ApiError && e.status === 401) setFailure('unauthorized');
      else setError(e.message);
    }
  }, [api]);

  const report = useCallback(
    (e) => {
      if (e?.name === 'AbortError') return;
      if (e instanceof ApiError && e.code === 'locked') {
        // The profile was locked elsewhere (another tab, the back end): show the unlock screen.
        refreshState();
        return;
      }
      setError(e instanceof Error ? e.message : String(e));
    },
    [refreshState],
  );

  useEffect(() => {
    refreshState();
  }, [refreshState]);

  // While the back end is unreachable, look again every few seconds.
  useEffect(() => {
    if (failure !== 'network' && !offline) return undefined;
    const t = setInterval(refreshState, 4000);
    return () => clearInterval(t);
  }, [failure, offline, refreshState]);

  // One event stream for the page's life; screens subscribe through `subscribe`.
  useEffect(() => {
    if (!token || failure || !state) return undefined;
    return connectEvents(
      token,
      (event) => {
        if (event.type === 'state') refreshState();
        if (event.type === 'connection') setState((s) => (s ? { ...s, connected: event.connected } : s));
        for (const l of listeners.current) l(event);
      },
      () => refreshState(),
    );
    // Reconnects on its own; restart only when the page's reachability changes.
  }, [token, failure, state === null]);

  const subscribe = useCallback((listener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  }, []);

  const ctx = useMemo(
    () => ({ api, state, offline, setState, report, refreshState, subscribe }),
    [api, state, offline, report, refreshState, subscribe],
  );

  let screen;
  if (!token) {
    screen = (
      <Blocked title="Open NexusLink from your terminal">
        <p>
          This page needs the private link that <code>nexuslink app</code> prints when it starts. Run it again and open
          the <code>http://127.0.0.1:…/#token=…</code> link it shows.
        </p>
      </Blocked>
    );
  } else if (failure === 'unauthorized') {
    screen = (
      <Blocked title="This link is no longer valid">
        <p>
          Each start of <code>nexuslink app</code> makes a new private link. Open the link printed by the app that is
          running now.
        </p>
      </Blocked>
    );
  } else if (failure === 'network') {
    screen = (
      <Blocked title="Cannot reach NexusLink" busy>
        <p>
          The NexusLink app on this computer is not answering. If you closed it, start it again with{' '}
          <code>nexuslink app</code>. This page keeps trying.
        </p>
        <button type="button" className="button primary" onClick={refreshState}>
          Try again
        </button>
      </Blocked>
    );
  } else if (!state) {
    screen = <Blocked title="Loading…" busy />;
  } else if (words) {
    screen = <RecoveryWords words={words} onDone={() => setWords(null)} />;
  } else if (state.status === 'empty' || state.status === 'pending') {
    screen = <Onboarding ctx={ctx} onCreated={setWords} />;
  } else if (state.status === 'locked') {
    screen = <Unlock ctx={ctx} />;
  } else if (!state.community) {
    screen = <Join ctx={ctx} />;
  } else {
    screen = <Messenger ctx={ctx} />;
  }

  return (
    <>
      <AlertRegion
        error={offline ? 'Cannot reach the NexusLink app on this computer. Retrying…' : error}
        onDismiss={offline ? null : () => setError(null)}
      />
      {screen}
    </>
  );
}

function Blocked({ title, busy = false, children }) {
  return (
    <main className="center-screen">
      <section className="card narrow-card" aria-busy={busy}>
        <div className="brand" aria-hidden="true">
          <Icon name="shield" />
        </div>
        <h1>{title}</h1>
        {children}
      </section>
    </main>
  );
}
