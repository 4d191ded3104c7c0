// SPDX-License-Identifier: AGPL-3.0-or-later
import { Icon } from './Icon.jsx';

/** The page's error region: always in the DOM so screen readers announce what appears in it. */
export function AlertRegion({ error, onDismiss }) {
  return (
    <div className="alert-region" role="alert">
      {error && (
        <div className="alert">
          <Icon name="warning" />
          <span className="alert-text">{error}</span>
          {onDismiss && (
            <button type="button" className="icon-button" aria-label="Dismiss error" onClick={onDismiss}>
              <Icon name="close" />
            </button>
          )}
        </div>
      )}
    </div>
  );
}
