/**
 * Loads one of the editors' JSON reports (/editor/…) with the admin's session; null while loading.
 * `reload()` asks for it again (after an action in the widget changed what it reports).
 */
import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';

export function useEditorReport<T>(path: string): { report: T | null; hasFailed: boolean; reload: () => void } {
  const { get } = useFetchClient();
  const [report, setReport] = React.useState<T | null>(null);
  const [hasFailed, setHasFailed] = React.useState(false);
  const [generation, setGeneration] = React.useState(0);

  React.useEffect(() => {
    let isCurrent = true;
    get<{ data: T }>(path)
      .then(({ data }) => isCurrent && setReport(data.data))
      .catch(() => isCurrent && setHasFailed(true));
    return () => {
      isCurrent = false;
    };
  }, [get, path, generation]);

  const reload = React.useCallback(() => setGeneration((value) => value + 1), []);
  return { report, hasFailed, reload };
}
