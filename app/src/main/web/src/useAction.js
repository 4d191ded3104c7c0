// SPDX-License-Identifier: AGPL-3.0-or-later
import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Runs an async action once at a time: `busy` while it runs, its error to `report`.
 * Returns [run, busy]; run resolves to the action's result, or undefined when it failed.
 */
export function useAction(report) {
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (action) => {
      setBusy(true);
      try {
        return await action();
      } catch (e) {
        report(e);
        return undefined;
      } finally {
        if (mounted.current) setBusy(false);
      }
    },
    [report],
  );
  return [run, busy];
}
