/** Loads one of the editors' JSON reports (/editor/…) with the admin's session; null while loading. */
import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';

export function useEditorReport<T>(path: string): { report: T | null; hasFailed: boolean } {
  const { get } = useFetchClient();
  const [report, setReport] = React.useState<T | null>(null);
  const [hasFailed, setHasFailed] = React.useState(false);

  React.useEffect(() => {
    let isCurrent = true;
    get<{ data: T }>(path)
      .then(({ data }) => isCurrent && setReport(data.data))
      .catch(() => isCurrent && setHasFailed(true));
    return () => {
      isCurrent = false;
    };
  }, [get, path]);

  return { report, hasFailed };
}
