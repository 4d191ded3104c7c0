// SPDX-License-Identifier: AGPL-3.0-or-later
// The messenger once unlocked and joined: the conversation list, the open conversation, the
// dialogs, live events, desktop notifications.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Conversation } from './Conversation.jsx';
import { ChannelMembersDialog, ChannelsDialog, CopyButton, DevicesDialog, NewConversationDialog, SettingsDialog, VerifyDialog } from './Panels.jsx';
import { Icon } from './Icon.jsx';
import { applyMessageToList, formatListTime, hueOf, initials, notificationFor, revokeMessage, upsertMessage } from './logic.js';

const canNotify = () => typeof window !== 'undefined' && 'Notification' in window;
/** Where "Not now" on the notification banner is remembered (a UI preference, no secret). */
const BANNER_KEY = 'nexuslink.notificationBanner';

function remembered(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: ask again next time
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice holds for this page only
  }
}

export function Messenger({ ctx }) {
  const { api, report, subscribe, state } = ctx;
  const [conversations, setConversations] = useState(null);
  const [activeId, setActiveId] = useState(null);
  const [messages, setMessages] = useState([]);
  const [loadedFor, setLoadedFor] = useState(null);
  const [settings, setSettings] = useState({ notifications: 'hidden' });
  const [transfers, setTransfers] = useState({});
  const [dialog, setDialog] = useState(null);
  const [notices, setNotices] = useState([]);
  const [announcement, setAnnouncement] = useState({ id: 0, text: '' });
  const [permission, setPermission] = useState(canNotify() ? Notification.permission : 'unsupported');
  const [bannerDismissed, setBannerDismissed] = useState(() => remembered(BANNER_KEY) === 'dismissed');
  const [hidden, setHidden] = useState(document.hidden);

  const live = useRef({});
  live.current = { activeId, settings, conversations };
  const lastRead = useRef({});

  const loadConversations = useCallback(async () => {
    try {
      const r = await api.conversations();
      setConversations(r.conversations ?? []);
    } catch (e) {
      report(e);
      setConversations((c) => c ?? []);
    }
  }, [api, report]);

  // Again when the community changes under the same unlocked profile (App refetches State on `state` events).
  useEffect(() => {
    loadConversations();
    api.settings().then(setSettings, report);
  }, [api, loadConversations, report, state.community]);

  useEffect(() => {
    const onVisibility = () => setHidden(document.hidden);
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);

  // The open conversation's messages.
  useEffect(() => {
    if (!activeId) return undefined;
    let stale = false;
    setMessages([]);
    setLoadedFor(null);
    api.messages(activeId).then(
      (r) => {
        if (stale) return;
        setMessages(r.messages ?? []);
        setLoadedFor(activeId);
      },
      (e) => {
        if (!stale) {
          report(e);
          setLoadedFor(activeId);
        }
      },
    );
    return () => {
      stale = true;
    };
  }, [activeId, api, report]);

  // Read up to the newest message while the conversation is on screen.
  useEffect(() => {
    if (!activeId || loadedFor !== activeId || hidden || messages.length === 0) return;
    const last = messages[messages.length - 1];
    if (lastRead.current[activeId] === last.ref) return;
    lastRead.current[activeId] = last.ref;
    setConversations((list) => list?.map((c) => (c.id === activeId ? { ...c, unread: 0 } : c)) ?? list);
    api.markRead(activeId, last.ref).catch(report);
  }, [activeId, loadedFor, hidden, messages, api, report]);

  const notice = useCallback((text, kind = 'warning') => {
    const id = `${Date.now()}-${Math.random()}`;
    setNotices((n) => [...n.slice(-3), { id, text, kind }]);
  }, []);

  // Live events.
  useEffect(
    () =>
      subscribe((event) => {
        const { activeId: active, settings: currentSettings, conversations: list } = live.current;
        switch (event.type) {
          case 'message': {
            const m = event.message;
            if (!m) break;
            if (event.conversation === active) setMessages((ms) => upsertMessage(ms, m));
            if (list?.some((c) => c.id === event.conversation)) {
              // Unread counts also grow in the open conversation while the page is hidden.
              const onScreen = document.hidden ? null : active;
              setConversations((cs) => (cs && applyMessageToList(cs, event.conversation, m, onScreen)) ?? cs);
            } else {
              loadConversations();
            }
            const title = list?.find((c) => c.id === event.conversation)?.title ?? m.senderName ?? '';
            if (!m.mine && event.conversation !== active) {
              setAnnouncement((x) => ({ id: x.id + 1, text: `New message in ${title}` }));
            }
            const shown = notificationFor(currentSettings.notifications, m, { hidden: document.hidden, conversationTitle: title });
            if (shown && canNotify() && Notification.permission === 'granted') {
              try {
                const n = new Notification(shown.title, { body: shown.body, tag: shown.tag });
                n.onclick = () => {
                  window.focus();
                  setActiveId(event.conversation);
                  n.close();
                };
              } catch {
                // Some platforms only allow notifications from a service worker: nothing to show.
              }
            }
            break;
          }
          case 'revoked':
            if (event.conversation === active) setMessages((ms) => revokeMessage(ms, event.ref));
            setConversations(
              (cs) =>
                cs?.map((c) =>
                  c.id === event.conversation && c.last?.ref === event.ref
                    ? { ...c, last: { ...c.last, text: 'This message was revoked' } }
                    : c,
                ) ?? cs,
            );
            break;
          case 'warning':
            if (event.text) notice(event.text);
            break;
          case 'transfer':
            setTransfers((t) => ({ ...t, [event.id]: event }));
            if (event.phase === 'done' || event.phase === 'failed') {
              setTimeout(
                () =>
                  setTransfers((t) => {
                    const { [event.id]: _gone, ...rest } = t;
                    return rest;
                  }),
                1500,
              );
            }
            break;
          default:
            break;
        }
      }),
    [subscribe, loadConversations, notice],
  );

  const active = conversations?.find((c) => c.id === activeId) ?? null;

  const open = useCallback((summary) => {
    setConversations((list) => (list && !list.some((c) => c.id === summary.id) ? [summary, ...list] : list));
    setActiveId(summary.id);
    setDialog(null);
  }, []);

  const back = () => {
    const id = activeId;
    setActiveId(null);
    requestAnimationFrame(() => document.querySelector(`[data-conversation="${CSS.escape(id)}"]`)?.focus());
  };

  const askPermission = async () => {
    if (!canNotify()) return;
    try {
      setPermission(await Notification.requestPermission());
    } catch (e) {
      report(e);
    }
  };

  const onSent = (m) => {
    setMessages((ms) => upsertMessage(ms, m));
    setConversations((list) => (list ? applyMessageToList(list, m.conversation ?? activeId, m, activeId) ?? list : list));
  };

  // Up/Down (Home/End) move between conversations; Tab leaves the list.
  const moveInList = (e) => {
    const keys = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
    if (!(e.key in keys) || !e.target.matches('[data-testid="conversation"]')) return;
    const items = [...e.currentTarget.querySelectorAll('[data-testid="conversation"]')];
    const i = items.indexOf(e.target);
    const step = keys[e.key];
    const next = Number.isFinite(step) ? items[i + step] : step < 0 ? items[0] : items[items.length - 1];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  const totalUnread = conversations?.reduce((n, c) => n + (c.unread > 0 ? c.unread : 0), 0) ?? 0;
  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) NexusLink` : 'NexusLink';
  }, [totalUnread]);

  const showBanner = permission === 'default' && settings.notifications !== 'off' && !bannerDismissed;

  return (
    <div className={`messenger ${activeId ? 'has-active' : ''}`}>
      <aside className="sidebar" aria-label="Sidebar">
        <header className="sidebar-header">
          <div className="me">
            <span className="avatar small" data-hue={hueOf(state.account) % 12} aria-hidden="true">
              {initials(state.displayName)}
            </span>
            <div className="me-text">
              <span className="me-name">{state.displayName ?? 'Me'}</span>
              <span className="me-account selectable" data-testid="account-id" title={state.account}>
                {state.account}
              </span>
              <span className={`connection ${state.connected && !ctx.offline ? 'online' : 'offline'}`}>
                {ctx.offline ? 'App not running' : state.connected ? 'Connected' : 'Offline, reconnecting…'}
              </span>
            </div>
          </div>
          <div className="toolbar">
            <CopyButton text={state.account} label="Copy account id" icon />
            <button type="button" className="icon-button" aria-label="Channels" title="Channels" onClick={() => setDialog({ kind: 'channels' })}>
              <Icon name="channels" />
            </button>
            <button type="button" className="icon-button" aria-label="Devices" title="Devices" onClick={() => setDialog({ kind: 'devices' })}>
              <Icon name="devices" />
            </button>
            <button type="button" className="icon-button" aria-label="Settings" title="Settings" onClick={() => setDialog({ kind: 'settings' })}>
              <Icon name="settings" />
            </button>
          </div>
        </header>
        {showBanner && (
          <div className="banner">
            <p>Get a desktop notification when a message arrives while NexusLink is in the background.</p>
            <div className="row-end">
              <button type="button" className="button ghost small" onClick={() => {
                  remember(BANNER_KEY, 'dismissed');
                  setBannerDismissed(true);
                }}>
                Not now
              </button>
              <button type="button" className="button primary small" onClick={askPermission}>
                Enable notifications
              </button>
            </div>
          </div>
        )}
        <div className="sidebar-actions">
          <button type="button" className="button primary wide" onClick={() => setDialog({ kind: 'new' })}>
            <Icon name="plus" /> New conversation
          </button>
        </div>
        <nav aria-label="Conversations" className="conversation-nav" onKeyDown={moveInList}>
          {conversations === null ? (
            <p className="muted pad">Loading conversations…</p>
          ) : conversations.length === 0 ? (
            <p className="muted pad">No conversations yet. Start one, or open a channel from Channels.</p>
          ) : (
            <ul className="conversation-list">
              {conversations.map((c) => (
                <li key={c.id}>
                  <ConversationItem summary={c} current={c.id === activeId} onOpen={() => setActiveId(c.id)} />
                </li>
              ))}
            </ul>
          )}
        </nav>
        <div className="notices" role="status" aria-live="polite">
          {notices.map((n) => (
            <div key={n.id} className={`notice ${n.kind}`}>
              <Icon name="warning" />
              <span>{n.text}</span>
              <button
                type="button"
                className="icon-button"
                aria-label="Dismiss notice"
                onClick={() => setNotices((ns) => ns.filter((x) => x.id !== n.id))}
              >
                <Icon name="close" />
              </button>
            </div>
          ))}
        </div>
        <div className="sr-only" aria-live="polite">
          <span key={announcement.id}>{announcement.text}</span>
        </div>
      </aside>

      {active ? (
        <Conversation
          key={active.id}
          ctx={ctx}
          summary={active}
          messages={messages}
          loaded={loadedFor === active.id}
          transfers={transfers}
          onSent={onSent}
          onRevoked={(ref) => setMessages((ms) => revokeMessage(ms, ref))}
          onBack={back}
          onVerify={() => setDialog({ kind: 'verify', account: active.peer, title: active.title })}
          onMembers={() => setDialog({ kind: 'members', conversation: active.id, title: active.title })}
        />
      ) : (
        <main className="conversation empty-pane" aria-labelledby="empty-heading">
          <div className="empty-state">
            <div className="brand" aria-hidden="true">
              <Icon name="shield" />
            </div>
            <h1 id="empty-heading">NexusLink</h1>
            <p className="muted">Choose a conversation, or start a new one. Messages are end-to-end encrypted.</p>
          </div>
        </main>
      )}

      {dialog?.kind === 'new' && <NewConversationDialog ctx={ctx} onClose={() => setDialog(null)} onOpen={open} />}
      {dialog?.kind === 'channels' && (
        <ChannelsDialog
          ctx={ctx}
          onClose={() => setDialog(null)}
          onOpen={(ch) =>
            open(
              conversations?.find((c) => c.id === ch.conversation) ?? {
                id: ch.conversation,
                kind: 'channel',
                title: ch.name,
                peer: null,
                unread: 0,
                last: null,
              },
            )
          }
        />
      )}
      {dialog?.kind === 'devices' && <DevicesDialog ctx={ctx} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'settings' && (
        <SettingsDialog
          ctx={ctx}
          settings={settings}
          onSettings={setSettings}
          permission={permission}
          onAskPermission={askPermission}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'verify' && (
        <VerifyDialog ctx={ctx} account={dialog.account} title={dialog.title} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'members' && (
        <ChannelMembersDialog ctx={ctx} conversation={dialog.conversation} title={dialog.title} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}

/** A Summary's last message as one line; a file's `text` is its name (or null). */
function summaryText(last) {
  if (last.kind === 'file') return last.text?.startsWith('File: ') || last.text === 'This message was revoked' ? last.text : `File: ${last.text || 'attachment'}`;
  return last.text ?? '';
}

function ConversationItem({ summary, current, onOpen }) {
  const { last } = summary;
  const preview = last ? `${last.mine ? 'You: ' : ''}${summaryText(last)}` : 'No messages yet';
  return (
    <button
      type="button"
      className={`conversation-item ${current ? 'current' : ''} ${summary.unread > 0 ? 'has-unread' : ''}`}
      data-testid="conversation"
      data-conversation={summary.id}
      aria-current={current ? 'true' : undefined}
      onClick={onOpen}
    >
      <span className="avatar" data-hue={hueOf(summary.id) % 12} aria-hidden="true">
        {summary.kind === 'channel' ? '#' : initials(summary.title)}
      </span>
      <span className="item-main">
        <span className="item-top">
          <span className="item-title">
            {summary.kind === 'channel' && <span className="sr-only">Channel </span>}
            {summary.title}
          </span>
          {last?.at && (
            <time className="item-time" dateTime={last.at}>
              {formatListTime(last.at)}
            </time>
          )}
        </span>
        <span className="item-bottom">
          <span className="item-preview">{preview}</span>
          {summary.unread > 0 && (
            <>
              <span className="unread" data-testid="unread">
                {summary.unread}
              </span>
              <span className="sr-only"> unread</span>
            </>
          )}
        </span>
      </span>
    </button>
  );
}
