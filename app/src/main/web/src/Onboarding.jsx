// SPDX-License-Identifier: AGPL-3.0-or-later
// Before the messenger: create or restore an identity, or link to an existing account; unlock it,
// join a community.
import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from './Icon.jsx';
import { CopyButton } from './Panels.jsx';
import { normalizeWords } from './logic.js';
import { useAction } from './useAction.js';

function Screen({ title, intro, children, wide = false }) {
  return (
    <main className="center-screen">
      <section className={`card ${wide ? 'wide-card' : 'narrow-card'}`}>
        <div className="brand" aria-hidden="true">
          <Icon name="shield" />
        </div>
        <h1>{title}</h1>
        {intro && <p className="muted">{intro}</p>}
        {children}
      </section>
    </main>
  );
}

export function Field({ label, id, hint, children }) {
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(hintId)}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function Onboarding({ ctx, onCreated }) {
  // A pending link (after a reload of the page) resumes where it was.
  const [mode, setMode] = useState(ctx.state.status === 'pending' ? 'link' : 'welcome');
  if (mode === 'create') return <CreateIdentity ctx={ctx} onBack={() => setMode('welcome')} onCreated={onCreated} />;
  if (mode === 'restore') return <RestoreIdentity ctx={ctx} onBack={() => setMode('welcome')} />;
  if (mode === 'link') return <LinkDevice ctx={ctx} onBack={() => setMode('welcome')} />;
  return (
    <Screen
      title="Welcome to NexusLink"
      intro="End-to-end encrypted messages with your community. Your identity lives on this computer, protected by a passphrase."
    >
      <div className="stack">
        <button type="button" className="button primary" onClick={() => setMode('create')}>
          Create a new identity
        </button>
        <button type="button" className="button" onClick={() => setMode('restore')}>
          Restore from recovery words
        </button>
        <button type="button" className="button" onClick={() => setMode('link')}>
          Link to an existing account
        </button>
      </div>
    </Screen>
  );
}

function CreateIdentity({ ctx, onBack, onCreated }) {
  const id = useId();
  const pass = useNewPassphrase();
  const [run, busy] = useAction(ctx.report);

  const submit = async (e) => {
    e.preventDefault();
    if (!pass.check()) return undefined;
    const result = await run(() => ctx.api.createIdentity(pass.passphrase));
    if (result) {
      onCreated(result.words);
      ctx.setState(result.state);
    }
    return undefined;
  };

  return (
    <Screen title="Create your identity" intro="The passphrase unlocks NexusLink on this computer. It never leaves it.">
      <form onSubmit={submit} className="stack" noValidate>
        <NewPassphrase id={id} values={pass.values} problem={pass.problem} autoFocus />
        <BackAndSubmit onBack={onBack} busy={busy} label="Create identity" busyLabel="Creating…" />
      </form>
    </Screen>
  );
}

export function RecoveryWords({ words, onDone }) {
  return (
    <Screen
      wide
      title="Your recovery words"
      intro="Write these 12 words down, in order, and keep them somewhere safe. They restore your identity if you lose this computer. NexusLink shows them only this once."
    >
      <ol className="recovery-words" data-testid="recovery-words">
        {words.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ol>
      <p className="warning-text">
        <Icon name="warning" /> Anyone with these words can become you. Never type them into a website or share them.
      </p>
      <div className="row-end">
        <button type="button" className="button primary" onClick={onDone} autoFocus>
          I have written them down
        </button>
      </div>
    </Screen>
  );
}

function RestoreIdentity({ ctx, onBack }) {
  const id = useId();
  const [words, setWords] = useState('');
  const pass = useNewPassphrase();
  const [run, busy] = useAction(ctx.report);

  const submit = async (e) => {
    e.preventDefault();
    if (!pass.check()) return undefined;
    const result = await run(() => ctx.api.restoreIdentity(normalizeWords(words), pass.passphrase));
    if (result) ctx.setState(result.state);
    return undefined;
  };

  return (
    <Screen title="Restore your identity" intro="Type your recovery words, separated by spaces, and a new passphrase for this computer.">
      <form onSubmit={submit} className="stack">
        <Field label="Recovery words" id={`${id}-w`}>
          {() => (
            <textarea
              id={`${id}-w`}
              rows={3}
              value={words}
              onChange={(e) => setWords(e.target.value)}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
            />
          )}
        </Field>
        <NewPassphrase id={id} values={pass.values} problem={pass.problem} />
        <BackAndSubmit onBack={onBack} busy={busy} label="Restore" busyLabel="Restoring…" />
      </form>
    </Screen>
  );
}

/**
 * This computer as a new device of an account another device holds: a passphrase for its key, a
 * link code to approve there, then the certificate code that device gives back.
 */
function LinkDevice({ ctx, onBack }) {
  const id = useId();
  const pass = useNewPassphrase();
  const [run, busy] = useAction(ctx.report);
  const [requested, setRequested] = useState(null); // { code, expiresAt } made on this page
  const [held, setHeld] = useState(null); // the passphrase of the request made on this page
  const [typed, setTyped] = useState(''); // the passphrase, asked again after a reload
  const [certificate, setCertificate] = useState('');
  const [again, setAgain] = useState(false); // "Start over": a new request replaces the pending one
  const codeHeading = useRef(null);

  const pending = ctx.state.status === 'pending';
  const fromState = pending && ctx.state.linkCode ? { code: ctx.state.linkCode, expiresAt: ctx.state.expiresAt } : null;
  const link = requested ?? (again ? null : fromState);
  const lost = pending && !link && !again; // the app restarted since the request: its code is gone

  useEffect(() => {
    if (requested) codeHeading.current?.focus();
  }, [requested]);

  const request = async (e) => {
    e.preventDefault();
    if (!pass.check()) return undefined;
    const result = await run(() => ctx.api.requestLink(pass.passphrase));
    if (result) {
      setHeld(pass.passphrase);
      setCertificate('');
      setRequested(result);
    }
    return undefined;
  };

  const finish = async (e) => {
    e.preventDefault();
    const state = await run(() => ctx.api.finishLink(held ?? typed, certificate.trim()));
    if (state) ctx.setState(state);
    else if (!held) setTyped('');
  };

  if (!link) {
    return (
      <Screen
        title="Link to an existing account"
        intro="This computer becomes another device of your account, without your recovery words. Choose the passphrase that will unlock NexusLink here."
      >
        {lost && (
          <p className="warning-text" role="status">
            <Icon name="warning" /> The app was restarted since the last link code was made. Request a new one.
          </p>
        )}
        <form onSubmit={request} className="stack" noValidate>
          <NewPassphrase id={id} values={pass.values} problem={pass.problem} autoFocus />
          <BackAndSubmit onBack={onBack} busy={busy} label="Request link code" busyLabel="Requesting…" />
        </form>
      </Screen>
    );
  }

  const until = link.expiresAt ? new Date(link.expiresAt) : null;
  return (
    <Screen wide title="Link to an existing account">
      <section className="panel stack" aria-labelledby={`${id}-code-h`}>
        <h2 id={`${id}-code-h`} ref={codeHeading} tabIndex={-1}>
          Your link code
        </h2>
        <p className="link-code selectable" data-testid="link-code">
          {link.code}
        </p>
        <div className="row-end">
          <CopyButton text={link.code} label="Copy the link code" />
        </div>
        <p className="hint">
          Approve it on a device that holds your identity key: in the app&apos;s <strong>Devices</strong> dialog, or with{' '}
          <code>nexuslink device link approve</code>.
          {until && !Number.isNaN(until.getTime()) && ` The code is valid until ${until.toLocaleTimeString()}.`}
        </p>
      </section>
      <form onSubmit={finish} className="stack">
        <Field
          label="Paste the certificate code"
          id={`${id}-cert`}
          hint="The NXLCERT1:… code the other device shows once it approved this one."
        >
          {(hintId) => (
            <textarea
              id={`${id}-cert`}
              rows={3}
              value={certificate}
              onChange={(e) => setCertificate(e.target.value)}
              aria-describedby={hintId}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="none"
              required
            />
          )}
        </Field>
        {!held && (
          <Field label="Passphrase" id={`${id}-p`} hint="The one you chose when you requested the link code.">
            {(hintId) => (
              <input
                id={`${id}-p`}
                type="password"
                autoComplete="current-password"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                aria-describedby={hintId}
                required
              />
            )}
          </Field>
        )}
        <div className="row-end">
          <button
            type="button"
            className="button ghost"
            disabled={busy}
            onClick={() => {
              setRequested(null);
              setHeld(null);
              setAgain(true);
            }}
          >
            Start over
          </button>
          <button type="submit" className="button primary" disabled={busy || !certificate.trim() || (!held && !typed)}>
            {busy ? 'Linking…' : 'Finish linking'}
          </button>
        </div>
      </form>
    </Screen>
  );
}

export function Unlock({ ctx }) {
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  const [run, busy] = useAction(ctx.report);

  const submit = async (e) => {
    e.preventDefault();
    const state = await run(() => ctx.api.unlock(passphrase));
    if (state) ctx.setState(state);
    else setPassphrase('');
  };

  return (
    <Screen
      title="Unlock NexusLink"
      intro={ctx.state.displayName ? `Welcome back, ${ctx.state.displayName}.` : 'Enter your passphrase to open your messages.'}
    >
      <form onSubmit={submit} className="stack">
        <Field label="Passphrase" id={`${id}-p`}>
          {() => (
            <input
              id={`${id}-p`}
              type="password"
              autoComplete="current-password"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              required
              autoFocus
            />
          )}
        </Field>
        <button type="submit" className="button primary" disabled={busy}>
          <Icon name="lock" /> {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        {ctx.state.profile && <p className="hint">Profile: {ctx.state.profile}</p>}
      </form>
    </Screen>
  );
}

export function Join({ ctx }) {
  const id = useId();
  const [url, setUrl] = useState('');
  const [displayName, setDisplayName] = useState(ctx.state.displayName ?? '');
  const [directory, setDirectory] = useState('');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState(null);
  const [run, busy] = useAction(ctx.report);
  const [nameProblem, setNameProblem] = useState(false);

  const needName = () => {
    if (displayName.trim()) return false;
    setNameProblem(true);
    document.getElementById(`${id}-n`)?.focus();
    return true;
  };

  const joinUrl = async (e) => {
    e.preventDefault();
    if (needName()) return;
    const state = await run(() => ctx.api.joinUrl(url.trim(), displayName.trim()));
    if (state) ctx.setState(state);
  };

  const search = async (e) => {
    e.preventDefault();
    const found = await run(() => ctx.api.searchDirectory(directory.trim(), query.trim()));
    if (found) setResults(found.communities ?? []);
  };

  const joinListed = async (community) => {
    if (needName()) return;
    const state = await run(() => ctx.api.joinDirectory(directory.trim(), community.id, displayName.trim()));
    if (state) ctx.setState(state);
  };

  return (
    <Screen wide title="Join a community" intro="A community server relays your encrypted messages. Join one by its address, or find one in a directory.">
      <div className="stack">
        <Field label="Display name" id={`${id}-n`} hint="How the other members see you.">
          {(hintId) => (
            <input
              id={`${id}-n`}
              value={displayName}
              onChange={(e) => {
                setDisplayName(e.target.value);
                setNameProblem(false);
              }}
              aria-describedby={hintId}
              aria-invalid={nameProblem || undefined}
              autoComplete="nickname"
              required
              autoFocus
            />
          )}
        </Field>
        {nameProblem && (
          <p className="field-error" role="alert">
            Choose a display name first.
          </p>
        )}
      </div>
      <div className="join-grid">
        <form onSubmit={joinUrl} className="panel stack" aria-labelledby={`${id}-h1`}>
          <h2 id={`${id}-h1`}>By address</h2>
          <UrlField label="Community URL" id={`${id}-u`} placeholder="https://chat.example.org" value={url} onChange={setUrl} />
          <button type="submit" className="button primary" disabled={busy || !url.trim()}>
            Join
          </button>
        </form>
        <form onSubmit={search} className="panel stack" aria-labelledby={`${id}-h2`} role="search">
          <h2 id={`${id}-h2`}>From a directory</h2>
          <UrlField
            label="Directory URL"
            id={`${id}-d`}
            placeholder="https://directory.example.org"
            value={directory}
            onChange={setDirectory}
          />
          <Field label="Search communities" id={`${id}-q`}>
            {() => <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />}
          </Field>
          <button type="submit" className="button" disabled={busy || !directory.trim()}>
            <Icon name="search" /> Search
          </button>
        </form>
      </div>
      {results && (
        <section aria-label="Search results" className="results" aria-live="polite">
          {results.length === 0 ? (
            <p className="muted">No community matches.</p>
          ) : (
            <ul className="result-list">
              {results.map((c) => (
                <li key={c.id} className="result">
                  <div>
                    <h3>{c.name}</h3>
                    {c.description && <p>{c.description}</p>}
                    <p className="hint">
                      {c.endpoint}
                      {Number.isFinite(c.members) && ` · ${c.members} members`}
                      {c.reputation != null && ` · reputation ${c.reputation}`}
                    </p>
                  </div>
                  <button
                    type="button"
                    className="button primary"
                    aria-label={`Join ${c.name}`}
                    disabled={busy}
                    onClick={() => joinListed(c)}
                  >
                    Join
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Screen>
  );
}

/** A new passphrase's state: its values, and check(), which shows what is wrong and says if all is well. */
function useNewPassphrase() {
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState(null);
  const check = () => {
    const found = !passphrase ? 'Choose a passphrase.' : passphrase !== repeat ? 'The two passphrases differ.' : null;
    setProblem(found);
    return found === null;
  };
  return { passphrase, values: [passphrase, setPassphrase, repeat, setRepeat], problem, check };
}

/** A new passphrase typed twice, with the mismatch (or emptiness) said next to the second field. */
function NewPassphrase({ id, values: [passphrase, setPassphrase, repeat, setRepeat], problem, autoFocus = false }) {
  return (
    <>
      <Field label="Passphrase" id={`${id}-p`}>
        {() => (
          <input
            id={`${id}-p`}
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            required
            autoFocus={autoFocus}
          />
        )}
      </Field>
      <Field label="Repeat passphrase" id={`${id}-r`}>
        {() => (
          <input
            id={`${id}-r`}
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            required
          />
        )}
      </Field>
      {problem && (
        <p className="field-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

/** A required URL input with its label. */
function UrlField({ label, id, placeholder, value, onChange }) {
  return (
    <Field label={label} id={id}>
      {() => (
        <input
          id={id}
          type="url"
          inputMode="url"
          placeholder={placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required
        />
      )}
    </Field>
  );
}

/** A form's last row: Back, and the submit button, which says what it is doing while busy. */
function BackAndSubmit({ onBack, busy, label, busyLabel }) {
  return (
    <div className="row-end">
      <button type="button" className="button ghost" onClick={onBack}>
        Back
      </button>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
