/**
 * Home page widget: techniques and conditions whose medical review is overdue, due within 30 days or
 * missing (GET /editor/review-due, the same report as `npm run review:due`). A row opens the entry.
 */
import { Widget } from '@strapi/strapi/admin';
import { useEditorReport } from './useEditorReport';
import { Badge, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useNavigate } from 'react-router-dom';

interface ReviewDueEntry {
  type: 'technique' | 'condition';
  documentId: string;
  slug: string;
  locale: string;
  name: string | null;
  nextReviewDue: string | null;
  status: 'overdue' | 'due-soon' | 'missing';
  daysLeft: number | null;
}

interface ReviewDueReport {
  data: { withinDays: number; entries: ReviewDueEntry[] };
}

function when(entry: ReviewDueEntry): string {
  if (entry.status === 'missing' || entry.daysLeft === null) return 'No medical review';
  if (entry.daysLeft < 0) return `Overdue by ${-entry.daysLeft} day${entry.daysLeft === -1 ? '' : 's'} (${entry.nextReviewDue})`;
  if (entry.daysLeft === 0) return `Due today (${entry.nextReviewDue})`;
  return `Due in ${entry.daysLeft} day${entry.daysLeft === 1 ? '' : 's'} (${entry.nextReviewDue})`;
}

export function editLink(uid: string, documentId: string, locale: string): string {
  return `/content-manager/collection-types/${uid}/${documentId}?plugins[i18n][locale]=${encodeURIComponent(locale)}`;
}

export const ReviewDueWidget = () => {
  const navigate = useNavigate();
  const { report, hasFailed: failed } = useEditorReport<ReviewDueReport['data']>('/editor/review-due');

  if (failed) return <Widget.Error>The review report could not be loaded.</Widget.Error>;
  if (report === null) return <Widget.Loading />;
  if (report.entries.length === 0) return <Widget.NoData>{`No medical review is due in the next ${report.withinDays} days.`}</Widget.NoData>;
  return (
    <Table colCount={3} rowCount={report.entries.length} data-testid="review-due-widget">
      <Tbody>
        {report.entries.map((entry) => (
          <Tr
            key={`${entry.type}-${entry.documentId}-${entry.locale}`}
            cursor="pointer"
            onClick={() => navigate(editLink(`api::${entry.type}.${entry.type}`, entry.documentId, entry.locale))}
          >
            <Td>
              <Typography textColor="neutral800">{entry.name ?? entry.slug}</Typography>
            </Td>
            <Td>
              <Typography textColor="neutral600">{`${entry.type} · ${entry.locale}`}</Typography>
            </Td>
            <Td>
              <Badge backgroundColor={entry.status === 'due-soon' ? 'warning100' : 'danger100'} textColor={entry.status === 'due-soon' ? 'warning700' : 'danger700'}>
                {when(entry)}
              </Badge>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};
