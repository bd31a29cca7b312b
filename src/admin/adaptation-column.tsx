/**
 * The "Base" column of the clinic adaptations' list view: "Up to date" or "Out of date" (the vetted
 * base changed since the override was written), from GET /editor/adaptations/outdated, loaded once per
 * list view. Added through the content manager's list-view hook, as the i18n plugin adds its column.
 */
import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { Badge } from '@strapi/design-system';
import type { OutdatedReport } from './widgets/AdaptationsToCheckWidget';

interface ListViewHookArgs {
  displayedHeaders: unknown[];
  /** The list layout; the hook is not told the model, so the adaptation type is known by its fields. */
  layout: { metadatas?: Record<string, unknown> };
}

/** The fields only the adaptation type has together (src/api/clinic-adaptation). */
const isAdaptationList = (layout: ListViewHookArgs['layout']) =>
  layout.metadatas !== undefined && ['clinic', 'localSection', 'basis'].every((field) => field in (layout.metadatas as object));

let pending: { at: number; outdated: Promise<Map<string, string[]>> } | null = null;

/** documentId → the locales out of date; shared by the cells of one list (reloaded after 5 s). */
function outdatedDocuments(get: ReturnType<typeof useFetchClient>['get']): Promise<Map<string, string[]>> {
  if (pending === null || Date.now() - pending.at > 5000) {
    pending = {
      at: Date.now(),
      outdated: get<{ data: OutdatedReport }>('/editor/adaptations/outdated').then(({ data }) => {
        const byDocument = new Map<string, string[]>();
        for (const item of data.data.adaptations) byDocument.set(item.documentId, [...(byDocument.get(item.documentId) ?? []), item.locale]);
        return byDocument;
      }),
    };
  }
  return pending.outdated;
}

function BaseCell({ documentId }: { documentId: string }) {
  const { get } = useFetchClient();
  const [locales, setLocales] = React.useState<string[] | null | undefined>(undefined);
  React.useEffect(() => {
    let isCurrent = true;
    outdatedDocuments(get)
      .then((outdated) => isCurrent && setLocales(outdated.get(documentId) ?? []))
      .catch(() => isCurrent && setLocales(null));
    return () => {
      isCurrent = false;
    };
  }, [get, documentId]);
  if (locales === undefined) return null;
  if (locales === null) return <Badge>Unknown</Badge>;
  if (locales.length === 0) return <Badge backgroundColor="success100" textColor="success700">Up to date</Badge>;
  return (
    <Badge backgroundColor="danger100" textColor="danger700" data-testid="adaptation-outdated">
      {`Out of date (${locales.join(', ')})`}
    </Badge>
  );
}

export function addBaseColumn(args: ListViewHookArgs): ListViewHookArgs {
  if (!isAdaptationList(args.layout)) return args;
  return {
    ...args,
    displayedHeaders: [
      ...args.displayedHeaders,
      {
        attribute: { type: 'string' },
        label: { id: 'clinic-content.adaptations.base', defaultMessage: 'Base' },
        searchable: false,
        sortable: false,
        name: 'base',
        cellFormatter: (props: { documentId: string }) => <BaseCell documentId={props.documentId} />,
      },
    ],
  };
}
