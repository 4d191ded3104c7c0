// SPDX-License-Identifier: AGPL-3.0-or-later
// One conversation: its messages (live), replies, revoke, files up and down with progress, the composer.
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { Icon } from './Icon.jsx';
import { formatSize, formatTime, hueOf, initials, layoutMessages, previewText, shortAccount } from './logic.js';
import { useAction } from './useAction.js';

export function Conversation({ ctx, summary, messages, loaded, transfers, onSent, onRevoked, onBack, onVerify, onMembers }) {
  const { api, report } = ctx;
  const headingId = useId();
  const [replyTo, setReplyTo] = useState(null);
  const [uploads, setUploads] = useState([]);
  const [dragging, setDragging] = useState(false);
  const logRef = useRef(null);
  const stuck = useRef(true);
  const composerRef = useRef(null);

  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    const last = messages[messages.length - 1];
    if (stuck.current || last?.mine) log.scrollTop = log.scrollHeight;
  }, [messages, uploads, loaded]);

  const onScroll = () => {
    const log = logRef.current;
    stuck.current = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  };

  const startReply = (m) => {
    setReplyTo(m);
    composerRef.current?.focus();
  };

  const revoke = async (m) => {
    try {
      await api.revoke(summary.id, m.ref);
      onRevoked(m.ref);
    } catch (e) {
      report(e);
    }
  };

  const upload = async (file) => {
    const key = `${Date.now()}-${file.name}`;
    const reply = replyTo?.ref ?? null;
    setReplyTo(null);
    setUploads((u) => [...u, { key, name: file.name, size: file.size }]);
    try {
      onSent(await api.sendFile(summary.id, file, reply));
    } catch (e) {
      report(e);
    } finally {
      setUploads((u) => u.filter((x) => x.key !== key));
    }
  };

  const byRef = new Map(messages.map((m) => [m.ref, m]));
  const rows = layoutMessages(messages);
  const isChannel = summary.kind === 'channel';
  const transferList = Object.values(transfers).filter((t) => t.conversation === summary.id);

  return (
    <main
      className={`conversation ${dragging ? 'dragging' : ''}`}
      aria-labelledby={headingId}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        setDragging(false);
        [...e.dataTransfer.files].forEach(upload);
      }}
    >
      <header className="conversation-header">
        <button type="button" className="icon-button back-button" aria-label="Back to conversations" onClick={onBack}>
          <Icon name="back" />
        </button>
        <span className="avatar" data-hue={hueOf(summary.id) % 12} aria-hidden="true">
          {isChannel ? '#' : initials(summary.title)}
        </span>
        <div className="conversation-title">
          <h1 id={headingId}>{summary.title}</h1>
          <p className="hint">{isChannel ? 'Channel' : shortAccount(summary.peer)}</p>
        </div>
        <div className="toolbar">
          {isChannel ? (
            <button type="button" className="button ghost" onClick={onMembers}>
              <Icon name="users" /> Channel members
            </button>
          ) : (
            summary.peer && (
              <button type="button" className="button ghost" onClick={onVerify}>
                <Icon name="shield" /> Verify contact
              </button>
            )
          )}
        </div>
      </header>

      {!loaded && (
        <div className="log loading">
          <p className="muted center">Loading messages…</p>
        </div>
      )}
      {loaded && (
        <div className="log" role="log" aria-label="Messages" ref={logRef} onScroll={onScroll} tabIndex={0}>
          {messages.length === 0 && (
            <p className="muted center">No messages yet. Say hello: messages are end-to-end encrypted.</p>
          )}
          {rows.map((row) =>
            row.type === 'day' ? (
              <div key={row.key} className="day-separator">
                <span>{row.label}</span>
              </div>
            ) : (
              <Message
                key={row.key}
                conversationId={summary.id}
                message={row.message}
                first={row.first}
                last={row.last}
                showSender={isChannel}
                quoted={row.message.replyTo ? byRef.get(row.message.replyTo) : null}
                transfers={transferList}
                ctx={ctx}
                onReply={startReply}
                onRevoke={revoke}
              />
            ),
          )}
          {uploads.map((u) => {
            const t = transferList.find((x) => x.name === u.name && x.phase !== 'downloading');
            return (
              <div key={u.key} className="message mine pending">
                <div className="bubble file-card">
                  <Icon name="file" className="file-icon" />
                  <div className="file-info">
                    <span className="file-name">{u.name}</span>
                    <span className="hint">
                      {t?.phase === 'encrypting' ? 'Encrypting…' : 'Sending…'} {formatSize(u.size)}
                    </span>
                    <progress aria-label="Upload progress" max={t?.total || 1} value={t ? t.done : undefined} />
                  </div>
                </div>
              </div>
            );
          })}
        </div>
      )}

      <Composer
        ref={composerRef}
        onSend={async (text) => {
          const reply = replyTo?.ref ?? null;
          try {
            const m = await api.send(summary.id, text, reply);
            setReplyTo(null);
            onSent(m);
            return true;
          } catch (e) {
            report(e);
            return false;
          }
        }}
        onFile={upload}
        replyTo={replyTo}
        onCancelReply={() => {
          setReplyTo(null);
          composerRef.current?.focus();
        }}
      />
    </main>
  );
}

function Message({ conversationId, message: m, first, last, showSender, quoted, transfers, ctx, onReply, onRevoke }) {
  const quoteText = quoted ? previewText(quoted) : m.replyText;
  const quoteSender = quoted ? (quoted.mine ? 'You' : quoted.senderName) : null;
  return (
    <article
      className={`message ${m.mine ? 'mine' : 'theirs'} ${first ? 'first' : ''} ${last ? 'last' : ''} ${m.revoked ? 'revoked' : ''}`}
      data-testid="message"
      data-ref={m.ref}
      data-mine={String(Boolean(m.mine))}
    >
      {!m.mine && showSender && first ? (
        <span className="sender" data-hue={hueOf(m.sender) % 12}>
          {m.senderName || shortAccount(m.sender)}
        </span>
      ) : (
        <span className="sr-only">{m.mine ? 'You' : m.senderName || shortAccount(m.sender)}: </span>
      )}
      <div className="bubble-row">
        <div className="bubble">
          {m.replyTo && !m.revoked && (
            <blockquote className="quote">
              {quoteSender && <span className="quote-sender">{quoteSender}</span>}
              <span className="quote-text">{quoteText ?? 'Original message not loaded'}</span>
            </blockquote>
          )}
          {m.revoked ? (
            <p className="message-text revoked-text" data-testid="message-text">
              This message was revoked
            </p>
          ) : m.kind === 'file' && m.file ? (
            <FileCard conversationId={conversationId} message={m} transfers={transfers} ctx={ctx} />
          ) : (
            <p className="message-text" data-testid="message-text">
              {m.kind === 'other' && !m.text ? 'This kind of message is not supported here.' : m.text}
            </p>
          )}
          <time className="message-time" dateTime={m.at}>
            {formatTime(m.at)}
          </time>
        </div>
        {!m.revoked && (
          <div className="message-actions">
            <button type="button" className="icon-button small" aria-label="Reply" title="Reply" onClick={() => onReply(m)}>
              <Icon name="reply" />
            </button>
            {m.canRevoke && (
              <button type="button" className="icon-button small" aria-label="Revoke" title="Revoke for everyone" onClick={() => onRevoke(m)}>
                <Icon name="revoke" />
              </button>
            )}
          </div>
        )}
      </div>
    </article>
  );
}

function FileCard({ conversationId, message: m, transfers, ctx }) {
  const [progress, setProgress] = useState(null); // {done,total} while the bytes stream in
  const [run, busy] = useAction(ctx.report);
  const fetching = transfers.find((t) => t.name === m.file.name && t.phase === 'downloading');
  const shown = progress ?? (busy && fetching ? { done: fetching.done, total: fetching.total } : null);

  const download = () =>
    run(async () => {
      const blob = await ctx.api.download(m.conversation ?? conversationId, m.ref, (done, total) => setProgress({ done, total }));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = m.file.name;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
    }).finally(() => setProgress(null));

  return (
    <div className="file-card">
      <Icon name="file" className="file-icon" />
      <div className="file-info">
        <span className="file-name" data-testid="message-text">
          {m.file.name}
        </span>
        <span className="hint">
          {formatSize(m.file.size)}
          {m.file.mime ? ` · ${m.file.mime}` : ''}
        </span>
        {busy && (
          <progress aria-label="Download progress" max={shown?.total || 1} value={shown ? shown.done : undefined} />
        )}
      </div>
      <button type="button" className="icon-button" aria-label={`Download ${m.file.name}`} title="Download" onClick={download} disabled={busy}>
        <Icon name="download" />
      </button>
    </div>
  );
}

function Composer({ ref, onSend, onFile, replyTo, onCancelReply }) {
  const id = useId();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const fileRef = useRef(null);

  const send = async () => {
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    const ok = await onSend(body);
    setSending(false);
    if (ok) setText('');
  };

  return (
    <div className="composer-wrap">
      {replyTo && (
        <div className="reply-banner">
          <div>
            <span className="quote-sender">Replying to {replyTo.mine ? 'yourself' : replyTo.senderName || shortAccount(replyTo.sender)}</span>
            <span className="quote-text">{previewText(replyTo)}</span>
          </div>
          <button type="button" className="icon-button" aria-label="Cancel reply" onClick={onCancelReply}>
            <Icon name="close" />
          </button>
        </div>
      )}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <input
          id={`${id}-file`}
          ref={fileRef}
          type="file"
          className="sr-only file-input"
          onChange={(e) => {
            const files = [...e.target.files];
            e.target.value = '';
            files.forEach(onFile);
          }}
        />
        <label htmlFor={`${id}-file`} className="icon-button attach" title="Attach file">
          <Icon name="attach" />
          <span className="sr-only">Attach file</span>
        </label>
        <label htmlFor={`${id}-text`} className="sr-only">
          Message
        </label>
        <textarea
          id={`${id}-text`}
          ref={ref}
          rows={1}
          placeholder="Write a message"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            } else if (e.key === 'Escape' && replyTo) {
              e.preventDefault();
              onCancelReply();
            }
          }}
        />
        <button type="submit" className="send-button" aria-label="Send" title="Send" disabled={!text.trim() || sending}>
          <Icon name="send" />
        </button>
      </form>
    </div>
  );
}
