import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { readRefreshIntervalMs } from '../lib/config';

export interface RefreshingAsyncState<T> {
  /** The last value loaded; kept while a refresh runs, so nothing flickers. */
  value?: T;
  /** The error of the last load, if it failed. */
  error?: Error;
  /** True until the first load has finished. */
  loading: boolean;
  /** True while any load, first or later, is running. */
  refreshing: boolean;
  refresh: () => void;
}

/**
 * Loads data, then reloads it every `mesh.refreshIntervalSeconds` and on
 * demand. Answers of superseded loads are dropped, so a slow old answer never
 * overwrites a newer one.
 */
export function useRefreshingAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
): RefreshingAsyncState<T> {
  const configApi = useApi(configApiRef);
  const intervalMs = useMemo(
    () => readRefreshIntervalMs(configApi),
    [configApi],
  );
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
    refreshing: boolean;
  }>({ loading: true, refreshing: true });
  const generation = useRef(0);
  const inFlight = useRef(false);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableLoad = useCallback(load, deps);

  const run = useCallback(() => {
    const current = ++generation.current;
    inFlight.current = true;
    setState(s => ({ ...s, refreshing: true }));
    stableLoad().then(
      value => {
        if (current !== generation.current) return;
        inFlight.current = false;
        setState({ value, loading: false, refreshing: false });
      },
      error => {
        if (current !== generation.current) return;
        inFlight.current = false;
        setState(s => ({ ...s, error, loading: false, refreshing: false }));
      },
    );
  }, [stableLoad]);

  useEffect(() => {
    setState({ loading: true, refreshing: true });
    run();
    // Unmounting or a new load invalidates answers still on the way.
    const generations = generation;
    return () => {
      generations.current++;
    };
  }, [run]);

  useEffect(() => {
    if (intervalMs <= 0) return undefined;
    // A backend slower than the interval must still get to answer.
    const timer = setInterval(() => {
      if (!inFlight.current) run();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [run, intervalMs]);

  return { ...state, refresh: run };
}
