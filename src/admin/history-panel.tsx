/**
 * The edit view's "History" side panel: the versions of the open entry in the open locale
 * (GET /editor/history), the field-by-field changes of the one selected, and "Restore as draft"
 * (POST /editor/history/:id/restore), which saves that version as the draft and never publishes.
 */
import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { isRecorded, refusalMessage, type SidePanelProps } from './recorded-types';

interface FieldDiff {
  field: string;
  before: unknown;
  after: unknown;
}

interface Version {
  id: number;
  status: 'draft' | 'published';
  action: string;
  actor: string;
  admin: { id: number; email: string } | null;
  at: string;
  diff: FieldDiff[];
}

const shown = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
};

const describe = (version: Version): string =>
  `${new Date(version.at).toLocaleString()} · ${version.action} (${version.status}) · ${version.admin?.email ?? version.actor}`;

const HistoryContent = ({ model, documentId, locale }: { model: string; documentId: string; locale: string | null }) => {
  const { get, post } = useFetchClient();
  const [versions, setVersions] = React.useState<Version[] | null>(null);
  const [selected, setSelected] = React.useState<number | null>(null);
  const [message, setMessage] = React.useState<string | null>(null);

  React.useEffect(() => {
    let isCurrent = true;
    const query = new URLSearchParams({ uid: model, documentId, ...(locale === null ? {} : { locale }) });
    get<{ data: { versions: Version[] } }>(`/editor/history?${query.toString()}`)
      .then(({ data }) => isCurrent && setVersions(data.data.versions))
      .catch(() => isCurrent && setMessage('The history could not be loaded.'));
    return () => {
      isCurrent = false;
    };
  }, [get, model, documentId, locale]);

  const restore = async (id: number) => {
    try {
      await post(`/editor/history/${id}/restore`, {});
      // The form shows the draft as loaded: reload it to show the restored values.
      window.location.reload();
    } catch (error) {
      setMessage(refusalMessage(error, 'The version could not be restored.'));
    }
  };

  if (versions === null) return <Typography variant="pi">{message ?? 'Loading…'}</Typography>;
  if (versions.length === 0) return <Typography variant="pi">No versions recorded yet.</Typography>;
  const version = versions.find((candidate) => candidate.id === selected) ?? null;
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="history-panel">
      {message === null ? null : <Typography textColor="danger600">{message}</Typography>}
      {/* The description stays outside the button: a button named "… publish …" would pass for the edit view's Publish. */}
      {versions.slice(0, 20).map((candidate) => (
        <Flex key={candidate.id} justifyContent="space-between" gap={2} data-testid="history-version">
          <Typography variant="pi" fontWeight={candidate.id === selected ? 'bold' : 'regular'}>
            {describe(candidate)}
          </Typography>
          <Button variant="tertiary" size="S" onClick={() => setSelected(candidate.id)}>
            Changes
          </Button>
        </Flex>
      ))}
      {version === null ? null : (
        <Box paddingTop={2}>
          {version.diff.length === 0 ? <Typography variant="pi">No field changed.</Typography> : null}
          {version.diff.map((change) => (
            <Box key={change.field} paddingBottom={2}>
              <Typography variant="sigma">{change.field}</Typography>
              <Typography variant="pi" tag="p" textColor="danger600">{`− ${shown(change.before)}`}</Typography>
              <Typography variant="pi" tag="p" textColor="success600">{`+ ${shown(change.after)}`}</Typography>
            </Box>
          ))}
          {/* A deletion or unpublish left no values to restore (the route says so too). */}
          {version.action !== 'delete' && version.action !== 'unpublish' ? (
            <Button variant="secondary" onClick={() => void restore(version.id)} data-testid="history-restore">
              Restore as draft
            </Button>
          ) : null}
        </Box>
      )}
    </Flex>
  );
};

/** The panel, for entries of the recorded types that exist (not while one is being created). */
export const HistoryPanel = ({ model, documentId, document }: SidePanelProps) => {
  if (documentId === undefined || !isRecorded(model)) return null;
  return {
    title: 'History',
    content: <HistoryContent model={model} documentId={documentId} locale={document?.locale ?? null} />,
  };
};
