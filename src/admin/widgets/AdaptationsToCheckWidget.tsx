/**
 * Home page widget "Clinic adaptations to check": adaptations whose vetted base was published with a
 * different value since the clinic wrote its override, or no longer links an entry the clinic hides
 * (GET /editor/adaptations/outdated, the same report as `npm run adaptations:outdated`; a clinic editor
 * gets only their clinics'). Each row shows the base's old and new text side by side and opens the
 * adaptation, where saving records the new base. Its "Confirm" button records the new base without a
 * change (POST /editor/adaptations/:documentId/confirm?locale=…), for a clinic whose override still
 * reads well over the new text; the row then leaves the list.
 */
import * as React from 'react';
import { useFetchClient, useNotification, Widget } from '@strapi/strapi/admin';
import { Box, Button, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useNavigate } from 'react-router-dom';
import { useEditorReport } from './useEditorReport';
import { editLink } from './ReviewDueWidget';

export const ADAPTATION_UID = 'api::clinic-adaptation.clinic-adaptation';

export interface OutdatedField {
  field: string;
  was: { locale: string; text: string };
  now: { locale: string; text: string } | null;
}

export interface OutdatedAdaptation {
  documentId: string;
  clinic: string;
  type: 'technique' | 'condition';
  target: string;
  locale: string;
  fields: OutdatedField[];
  hidden: Array<{ relation: string; slug: string }>;
}

export interface OutdatedReport {
  adaptations: OutdatedAdaptation[];
}

const clip = (text: string) => (text.length > 140 ? `${text.slice(0, 140)}…` : text);

function Change({ change }: { change: OutdatedField }) {
  return (
    <Flex gap={2} alignItems="flex-start">
      <Box width="50%">
        <Typography variant="pi" textColor="neutral600">{`${change.field} was (${change.was.locale})`}</Typography>
        <Typography tag="p" variant="omega" textColor="neutral800">{clip(change.was.text)}</Typography>
      </Box>
      <Box width="50%">
        <Typography variant="pi" textColor="neutral600">{change.now === null ? `${change.field} now` : `${change.field} now (${change.now.locale})`}</Typography>
        <Typography tag="p" variant="omega" textColor="neutral800">{change.now === null ? 'No longer set in the base' : clip(change.now.text)}</Typography>
      </Box>
    </Flex>
  );
}

/** The row's "Confirm" button: records the new base for this adaptation and locale, then reloads the list. */
function ConfirmButton({ item, onConfirmed }: { item: OutdatedAdaptation; onConfirmed: () => void }) {
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [isBusy, setIsBusy] = React.useState(false);
  const confirm = async (event: React.MouseEvent) => {
    // The row opens the adaptation; this button only confirms.
    event.stopPropagation();
    setIsBusy(true);
    try {
      await post(`/editor/adaptations/${encodeURIComponent(item.documentId)}/confirm?locale=${encodeURIComponent(item.locale)}`);
      toggleNotification({ type: 'success', message: `${item.clinic}'s adaptation of ${item.target} (${item.locale}) now follows the new base.` });
      onConfirmed();
    } catch (error) {
      const message = (error as { response?: { data?: { error?: { message?: string } } } }).response?.data?.error?.message;
      toggleNotification({ type: 'danger', message: message ?? 'The adaptation could not be confirmed.' });
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <Button variant="secondary" size="S" loading={isBusy} onClick={confirm} aria-label={`Confirm ${item.clinic} ${item.target} ${item.locale}`}>
      Confirm
    </Button>
  );
}

export const AdaptationsToCheckWidget = () => {
  const navigate = useNavigate();
  const { report, hasFailed, reload } = useEditorReport<OutdatedReport>('/editor/adaptations/outdated');

  if (hasFailed) return <Widget.Error>The adaptations to check could not be loaded.</Widget.Error>;
  if (report === null) return <Widget.Loading />;
  if (report.adaptations.length === 0) return <Widget.NoData>Every clinic adaptation is up to date with its vetted base.</Widget.NoData>;
  return (
    <Table colCount={3} rowCount={report.adaptations.length} data-testid="adaptations-to-check-widget">
      <Tbody>
        {report.adaptations.map((item) => (
          <Tr key={`${item.documentId}-${item.locale}`} cursor="pointer" onClick={() => navigate(editLink(ADAPTATION_UID, item.documentId, item.locale))}>
            <Td>
              <Typography textColor="neutral800">{`${item.clinic} · ${item.type} ${item.target}`}</Typography>
              <Typography tag="p" textColor="neutral600">{item.locale}</Typography>
            </Td>
            <Td>
              <Flex direction="column" gap={2} alignItems="stretch">
                {item.fields.map((change) => (
                  <Change key={change.field} change={change} />
                ))}
                {item.hidden.map((hide) => (
                  <Typography key={`${hide.relation}-${hide.slug}`} textColor="neutral800">{`Hides ${hide.slug} (${hide.relation}), which the base no longer links`}</Typography>
                ))}
              </Flex>
            </Td>
            <Td>
              <ConfirmButton item={item} onConfirmed={reload} />
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
