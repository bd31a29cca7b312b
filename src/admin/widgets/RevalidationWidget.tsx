/**
 * Home page widget: the latest revalidation webhooks sent to clinic sites (GET /editor/revalidation).
 * Failures come first, with the receiver's answer, so editors know when a site did not refresh.
 */
import { Widget } from '@strapi/strapi/admin';
import { useEditorReport } from './useEditorReport';
import { Badge, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';

interface Delivery {
  id: number;
  clinic: string;
  event: string;
  entries: Array<{ type: string; slug: string }>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

interface RevalidationReport {
  data: { clinics: Array<{ slug: string; isConfigured: boolean }>; deliveries: Delivery[] };
}

const ORDER = { failed: 0, pending: 1, delivered: 2 } as const;
const COLORS = {
  failed: ['danger100', 'danger700'],
  pending: ['warning100', 'warning700'],
  delivered: ['success100', 'success700'],
} as const;

export const RevalidationWidget = () => {
  const { report, hasFailed: failed } = useEditorReport<RevalidationReport['data']>('/editor/revalidation');

  if (failed) return <Widget.Error>The revalidation log could not be loaded.</Widget.Error>;
  if (report === null) return <Widget.Loading />;
  const configured = report.clinics.filter((clinic) => clinic.isConfigured).length;
  if (report.deliveries.length === 0) {
    return <Widget.NoData>{`No webhooks sent yet; ${configured} of ${report.clinics.length} clinics have a revalidation URL.`}</Widget.NoData>;
  }
  const deliveries = [...report.deliveries].sort((a, b) => ORDER[a.status] - ORDER[b.status]).slice(0, 8);
  return (
    <Table colCount={3} rowCount={deliveries.length} data-testid="revalidation-widget">
      <Tbody>
        {deliveries.map((delivery) => (
          <Tr key={delivery.id}>
            <Td>
              <Flex direction="column" alignItems="flex-start">
                <Typography textColor="neutral800">{delivery.clinic}</Typography>
                <Typography variant="pi" textColor="neutral600">
                  {`${delivery.event} ${delivery.entries.map((entry) => `${entry.type}/${entry.slug}`).join(', ')}`}
                </Typography>
              </Flex>
            </Td>
            <Td>
              <Badge backgroundColor={COLORS[delivery.status][0]} textColor={COLORS[delivery.status][1]}>
                {delivery.status}
              </Badge>
            </Td>
            <Td>
              <Typography variant="pi" textColor="neutral600">
                {delivery.status === 'delivered'
                  ? new Date(delivery.createdAt).toLocaleString()
                  : `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}${delivery.lastError ? `: ${delivery.lastError}` : ''}`}
              </Typography>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
