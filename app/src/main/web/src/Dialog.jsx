// SPDX-License-Identifier: AGPL-3.0-or-later
import { useEffect, useRef } from 'react';
import { Icon } from './Icon.jsx';

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native <dialog>: the page behind is inert, Tab stays inside, Escape and
 * the Close button call onClose, focus moves to the first field (or the body) on open and back to
 * the element that had it on close. `label` is the accessible name.
 */
export function Dialog({ label, title = label, onClose, children, className = '' }) {
  const ref = useRef(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    const previous = document.activeElement;
    if (!dialog.open) dialog.showModal();
    const body = dialog.querySelector('.dialog-body');
    const first = body?.querySelector('[autofocus]') || body?.querySelector(FOCUSABLE);
    (first || body || dialog).focus();
    return () => {
      if (dialog.open) dialog.close();
      if (previous && previous.isConnected && typeof previous.focus === 'function') previous.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-label={label}
      className={`dialog ${className}`}
      onCancel={(e) => {
        e.preventDefault();
        closeRef.current();
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) closeRef.current();
      }}
    >
      <div className="dialog-frame">
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => closeRef.current()}>
            <Icon name="close" />
          </button>
        </header>
        <div className="dialog-body" tabIndex={-1}>
          {children}
        </div>
      </div>
    </dialog>
  );
}
