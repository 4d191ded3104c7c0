// SPDX-License-Identifier: AGPL-3.0-or-later
// The dialogs: new conversation, channels, channel members, devices, settings, verification.
import { useEffect, useId, useState } from 'react';
import QRCode from 'qrcode';
import { ApiError } from './api.js';
import { Dialog } from './Dialog.jsx';
import { Icon } from './Icon.jsx';
import { Field } from './Onboarding.jsx';
import { channelIdOf, formatListTime, hueOf, initials, safetyBlocks, shortAccount } from './logic.js';
import { useAction } from './useAction.js';

/** Loads once on mount; [value, reload]. value stays undefined until loaded (null on failure). */
function useLoad(load, report) {
  const [value, setValue] = useState(undefined);
  const reload = () =>
    load().then(setValue, (e) => {
      report(e);
      setValue(null);
    });
  useEffect(() => void reload(), []); // once: the dialog's content when it opens
  return [value, reload, setValue];
}

export function NewConversationDialog({ ctx, onClose, onOpen }) {
  const id = useId();
  const [account, setAccount] = useState('');
  const [run, busy] = useAction(ctx.report);
  const submit = async (e) => {
    e.preventDefault();
    const summary = await run(() => ctx.api.openDirect(account.trim()));
    if (summary) onOpen(summary);
  };
  return (
    <Dialog label="New conversation" onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <Field label="Account id" id={`${id}-a`} hint="The contact's NexusLink account id (it starts with nxl). Ask them for it.">
          {(hintId) => (
            <input
              id={`${id}-a`}
              value={account}
              onChange={(e) => setAccount(e.target.value)}
              aria-describedby={hintId}
              autoComplete="off"
              spellCheck={false}
              required
            />
          )}
        </Field>
        <div className="row-end">
          <button type="submit" className="button primary" disabled={busy || !account.trim()}>
            Start
          </button>
        </div>
      </form>
      {ctx.state.account && (
        <p className="hint">
          Your account id: <code className="selectable">{ctx.state.account}</code>
        </p>
      )}
    </Dialog>
  );
}

function MemberList({ members, me }) {
  if (!members) return <p className="muted">Loading members…</p>;
  if (members.length === 0) return <p className="muted">No members.</p>;
  return (
    <ul className="member-list">
      {members.map((m) => (
        <li key={m.account} className="member">
          <span className="avatar small" data-hue={hueOf(m.account) % 12} aria-hidden="true">
            {initials(m.displayName)}
          </span>
          <span className="member-name">
            {m.displayName || shortAccount(m.account)}
            {m.account === me && <span className="badge">You</span>}
          </span>
          {m.role && <span className="badge role">{m.role}</span>}
        </li>
      ))}
    </ul>
  );
}

export function ChannelsDialog({ ctx, onClose, onOpen }) {
  const id = useId();
  const [data, reload] = useLoad(() => ctx.api.channels(), ctx.report);
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState('public');
  const [membersOf, setMembersOf] = useState(null);
  const [run, busy] = useAction(ctx.report);

  const create = async (e) => {
    e.preventDefault();
    const ch = await run(() => ctx.api.createChannel(name.trim(), visibility));
    if (ch) {
      setName('');
      await reload();
    }
  };

  return (
    <Dialog label="Channels" onClose={onClose} className="wide">
      {data === undefined && <p className="muted">Loading channels…</p>}
      {data?.channels?.length === 0 && <p className="muted">No channels yet.</p>}
      {data?.channels?.length > 0 && (
        <ul className="channel-list">
          {data.channels.map((ch) => (
            <li key={ch.id} className="channel">
              <div className="channel-row">
                <span className="channel-name">
                  <Icon name={ch.visibility === 'private' ? 'lock' : 'channels'} /> {ch.name}
                </span>
                <span className="badge">{ch.visibility}</span>
                <button
                  type="button"
                  className="button ghost small"
                  aria-expanded={membersOf === ch.id}
                  aria-label={`Members of ${ch.name}`}
                  onClick={() => setMembersOf(membersOf === ch.id ? null : ch.id)}
                >
                  Members
                </button>
                <button type="button" className="button small" aria-label={`Open ${ch.name}`} onClick={() => onOpen(ch)}>
                  Open
                </button>
              </div>
              {membersOf === ch.id && <ChannelMembers ctx={ctx} channelId={ch.id} />}
            </li>
          ))}
        </ul>
      )}
      {data?.canCreate && (
        <form onSubmit={create} className="panel stack" aria-labelledby={`${id}-h`}>
          <h3 id={`${id}-h`}>New channel</h3>
          <Field label="Channel name" id={`${id}-n`}>
            {() => <input id={`${id}-n`} value={name} onChange={(e) => setName(e.target.value)} required />}
          </Field>
          <Field label="Visibility" id={`${id}-v`}>
            {() => (
              <select id={`${id}-v`} value={visibility} onChange={(e) => setVisibility(e.target.value)}>
                <option value="public">Public: every member can read</option>
                <option value="private">Private: invited members only</option>
              </select>
            )}
          </Field>
          <div className="row-end">
            <button type="submit" className="button primary" disabled={busy || !name.trim()}>
              Create channel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** A channel's members; a public channel's are the community's (409 from the channel route). */
function ChannelMembers({ ctx, channelId }) {
  const [result, setResult] = useState(null);
  useEffect(() => {
    let stale = false;
    (async () => {
      try {
        const r = await ctx.api.channelMembers(channelId);
        if (!stale) setResult({ members: r.members ?? [], everyone: false });
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 409) {
          ctx.report(e);
          if (!stale) setResult({ members: [], everyone: false });
          return;
        }
        try {
          const all = await ctx.api.members();
          if (!stale) setResult({ members: all.members ?? [], everyone: true, me: all.me?.account });
        } catch (e2) {
          ctx.report(e2);
        }
      }
    })();
    return () => {
      stale = true;
    };
  }, [ctx.api, ctx.report, channelId]);
  return (
    <div className="members-block">
      {result?.everyone && <p className="hint">Public channel: every community member can read it.</p>}
      <MemberList members={result?.members} me={result?.me ?? ctx.state.account} />
    </div>
  );
}

export function ChannelMembersDialog({ ctx, conversation, title, onClose }) {
  return (
    <Dialog label="Channel members" title={`Members of ${title}`} onClose={onClose}>
      <ChannelMembers ctx={ctx} channelId={channelIdOf(conversation)} />
    </Dialog>
  );
}

export function DevicesDialog({ ctx, onClose }) {
  const id = useId();
  const [data, reload] = useLoad(() => ctx.api.devices(), ctx.report);
  const [code, setCode] = useState('');
  const [certificate, setCertificate] = useState(null);
  const [run, busy] = useAction(ctx.report);

  const approve = async (e) => {
    e.preventDefault();
    const r = await run(() => ctx.api.linkDevice(code.trim()));
    if (r) {
      setCertificate(r);
      setCode('');
      reload();
    }
  };

  // Removing signs the device out for good, so it takes a second, explicit click.
  const [confirming, setConfirming] = useState(null);
  const remove = async (device) => {
    const ok = await run(() => ctx.api.removeDevice(device.id).then(() => true));
    setConfirming(null);
    if (ok) reload();
  };

  return (
    <Dialog label="Devices" title="Linked devices" onClose={onClose} className="wide">
      {data === undefined && <p className="muted">Loading devices…</p>}
      {data?.devices && (
        <ul className="device-list" aria-label="Linked devices">
          {data.devices.map((d) => (
            <li key={d.id} className="device">
              <Icon name="devices" />
              <div className="device-info">
                <span className="device-name">
                  Device {d.id} {d.type && <span className="badge">{d.type}</span>}
                  {d.current && <span className="badge accent">This device</span>}
                </span>
                <span className="hint">
                  {d.createdAt && `Linked ${formatListTime(d.createdAt)}`}
                  {d.lastSeen && ` · last seen ${formatListTime(d.lastSeen)}`}
                </span>
              </div>
              {!d.current && confirming !== d.id && (
                <button type="button" className="button danger small" aria-label={`Remove device ${d.id}`} disabled={busy} onClick={() => setConfirming(d.id)}>
                  Remove
                </button>
              )}
              {!d.current && confirming === d.id && (
                <div className="row-end" role="group" aria-label={`Remove device ${d.id}?`}>
                  <span className="hint">It is signed out and receives nothing more.</span>
                  <button type="button" className="button ghost small" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                  <button type="button" className="button danger small" disabled={busy} onClick={() => remove(d)}>
                    Confirm removal
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {data?.canLink !== false && (
        <form onSubmit={approve} className="panel stack" aria-labelledby={`${id}-h`}>
          <h3 id={`${id}-h`}>Link a new device</h3>
          <p className="hint">
            On the new device, choose <strong>Link to an existing account</strong> in the app (or run{' '}
            <code>nexuslink device link request</code>) and paste the <code>NXLINK1:…</code> code it shows here.
          </p>
          <Field label="Link request code" id={`${id}-c`}>
            {() => (
              <textarea
                id={`${id}-c`}
                rows={3}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                spellCheck={false}
                autoComplete="off"
                required
              />
            )}
          </Field>
          <div className="row-end">
            <button type="submit" className="button primary" disabled={busy || !code.trim()}>
              Approve device
            </button>
          </div>
        </form>
      )}
      {certificate && (
        <div className="panel stack" aria-live="polite">
          <h3>Device {certificate.device} approved</h3>
          <p className="hint">
            Paste this certificate code on the new device (or finish there with{' '}
            <code>nexuslink device link finish</code>).
          </p>
          <label htmlFor={`${id}-cert`}>Certificate code</label>
          <textarea id={`${id}-cert`} readOnly rows={3} value={certificate.certificateCode} className="selectable" onFocus={(e) => e.target.select()} />
          <div className="row-end">
            <CopyButton text={certificate.certificateCode} />
          </div>
        </div>
      )}
    </Dialog>
  );
}

/** Copies {text}; as an icon button when {icon}, its state then told by its title. */
export function CopyButton({ text, label, icon = false }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return icon ? (
    <button type="button" className="icon-button" aria-label={label} title={copied ? 'Copied' : label} onClick={copy}>
      <Icon name={copied ? 'check' : 'copy'} />
    </button>
  ) : (
    <button type="button" className="button small" aria-label={label} onClick={copy}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

export function SettingsDialog({ ctx, settings, onSettings, permission, onAskPermission, onClose }) {
  const id = useId();
  const [confirm, setConfirm] = useState('');
  const [run, busy] = useAction(ctx.report);

  const change = async (notifications) => {
    const saved = await run(() => ctx.api.saveSettings({ ...settings, notifications }));
    if (saved) onSettings(saved);
  };

  const wipe = async (e) => {
    e.preventDefault();
    const state = await run(() => ctx.api.wipe(confirm));
    if (state) ctx.setState(state);
  };

  const lock = async () => {
    const state = await run(() => ctx.api.lock());
    if (state) ctx.setState(state);
  };

  return (
    <Dialog label="Settings" onClose={onClose} className="wide">
      <section className="panel stack" aria-label="Notifications">
        <Field label="Notifications" id={`${id}-s`} hint="Shown only while NexusLink is in the background.">
          {(hintId) => (
            <select
              id={`${id}-s`}
              value={settings.notifications}
              onChange={(e) => change(e.target.value)}
              aria-describedby={hintId}
              disabled={busy}
            >
              <option value="off">Off</option>
              <option value="hidden">On, without message text</option>
              <option value="full">On, with sender and message text</option>
            </select>
          )}
        </Field>
        {permission === 'default' && (
          <button type="button" className="button small" onClick={onAskPermission}>
            Allow desktop notifications
          </button>
        )}
        {permission === 'denied' && (
          <p className="hint">This browser blocks notifications from this page; allow them in the browser's site settings.</p>
        )}
        {permission === 'unsupported' && <p className="hint">This browser cannot show desktop notifications.</p>}
      </section>

      <section className="panel stack" aria-labelledby={`${id}-a`}>
        <h3 id={`${id}-a`}>Account</h3>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{ctx.state.displayName ?? '—'}</dd>
          <dt>Account id</dt>
          <dd>
            <code className="selectable">{ctx.state.account ?? '—'}</code>
          </dd>
          <dt>Community</dt>
          <dd>{ctx.state.community ?? '—'}</dd>
          <dt>Profile</dt>
          <dd>{ctx.state.profile ?? '—'}</dd>
        </dl>
        <div className="row-end">
          <button type="button" className="button" onClick={lock} disabled={busy}>
            <Icon name="lock" /> Lock
          </button>
        </div>
      </section>

      <form className="panel danger-zone stack" onSubmit={wipe} aria-labelledby={`${id}-w`}>
        <h3 id={`${id}-w`}>Panic wipe</h3>
        <p className="hint">
          Erases this profile from this computer now: identity keys, messages and files. It cannot be undone; only your
          recovery words can bring the identity back.
        </p>
        <Field label="Type WIPE to confirm" id={`${id}-c`}>
          {() => (
            <input
              id={`${id}-c`}
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
            />
          )}
        </Field>
        <div className="row-end">
          <button type="submit" className="button danger" disabled={confirm !== 'WIPE' || busy}>
            Wipe this profile
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function VerifyDialog({ ctx, account, title, onClose }) {
  const id = useId();
  const [info, setInfo] = useState(undefined);
  const [qr, setQr] = useState(null);
  const [theirNonce, setTheirNonce] = useState('');
  const [run, busy] = useAction(ctx.report);

  useEffect(() => {
    ctx.api.verification(account).then(setInfo, (e) => {
      ctx.report(e);
      setInfo(null);
    });
  }, [ctx.api, ctx.report, account]);

  useEffect(() => {
    if (!info?.safetyNumberQr) return;
    QRCode.toDataURL(info.safetyNumberQr, { errorCorrectionLevel: 'M', margin: 2, width: 232 }).then(setQr, ctx.report);
  }, [info?.safetyNumberQr, ctx.report]);

  const verify = async () => {
    const r = await run(() => ctx.api.verify(account));
    if (r) setInfo(r);
  };

  // The first-contact code is computed over a nonce one side makes: whoever enters the other's
  // nonce sees the same code as they do.
  const useTheirNonce = async (e) => {
    e.preventDefault();
    const r = await run(() => ctx.api.verification(account, theirNonce.trim()));
    if (r) setInfo(r);
  };

  const blocks = safetyBlocks(info?.safetyNumber);

  return (
    <Dialog label="Verify contact" title={`Verify ${info?.displayName || title}`} onClose={onClose} className="wide">
      {info === undefined && <p className="muted">Loading…</p>}
      {info && (
        <div className="verify">
          <p className="hint">
            Compare these with {info.displayName || title}, in person or on a call you trust. If they match on both
            devices, nobody is in the middle.
          </p>
          <div className="verify-grid">
            <div>
              <h3>Safety number</h3>
              <p className="safety-number" data-testid="safety-number">
                {blocks.map((b, i) => (
                  <span key={i}>
                    {i > 0 && ' '}
                    <span className="block">{b}</span>
                  </span>
                ))}
              </p>
              <h3>First-contact code</h3>
              <p className="first-contact" data-testid="first-contact-code">
                {info.firstContactCode}
              </p>
              <p className="hint">
                Its nonce: <code className="selectable" data-testid="nonce">{info.nonce}</code>. Give it to your contact,
                or enter theirs to see the code they see.
              </p>
              <form onSubmit={useTheirNonce} className="nonce-form">
                <Field label="Contact's nonce" id={`${id}-n`}>
                  {() => (
                    <input
                      id={`${id}-n`}
                      value={theirNonce}
                      onChange={(e) => setTheirNonce(e.target.value)}
                      autoComplete="off"
                      spellCheck={false}
                    />
                  )}
                </Field>
                <button type="submit" className="button small" disabled={busy || !theirNonce.trim()}>
                  Use nonce
                </button>
              </form>
            </div>
            <div className="qr">
              {qr ? <img src={qr} alt="QR code of the safety number" width="232" height="232" /> : <p className="muted">Drawing QR code…</p>}
              <p className="hint">The same safety number, as a QR code.</p>
            </div>
          </div>
          <div className="verify-status row-end">
            {info.verified ? (
              <p className="verified" role="status">
                <Icon name="check" /> <span>Verified</span>
                {info.verifiedAt && <span className="hint"> since {formatListTime(info.verifiedAt)}</span>}
              </p>
            ) : (
              <button type="button" className="button primary" onClick={verify} disabled={busy}>
                <Icon name="shield" /> Mark as verified
              </button>
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}
