import { Alert, Badge, Loader } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';

/** Loads on mount and when `deps` change; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await run());
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** A failed request as the API explained it (problem+json title, detail, the fields named). */
export function Problem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <Alert color="red" role="alert" title={e ? `${e.status} ${e.title}` : t('Something went wrong')}>
      {e?.detail ?? (error instanceof Error ? error.message : t('Something went wrong'))}
      {e?.fields.map((f) => (
        <div key={f.field}>
          {f.field}: {f.reason}
        </div>
      ))}
    </Alert>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  const { t } = useTranslation();
  return loading ? <Loader size="sm" aria-label={t('Loading')} /> : null;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const color =
    status === 'dead_letter' || status === 'failed' || status === 'overdue'
      ? 'red'
      : status === 'packed' || status === 'created' || status === 'completed'
        ? 'green'
        : 'blue';
  return <Badge color={color}>{t(status)}</Badge>;
}

export const formatDate = (value: string | Date | null | undefined, lang: string): string =>
  value ? new Date(value).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB') : '—';

export const formatDay = (value: string | Date | null | undefined, lang: string): string =>
  value ? new Date(value).toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB') : '—';

export const formatMoney = (cents: number, currency: string, lang: string): string =>
  new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB', { style: 'currency', currency }).format(
    cents / 100,
  );

/** Runs an action, keeping its error for display; true when it succeeded. */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, error, busy };
}
