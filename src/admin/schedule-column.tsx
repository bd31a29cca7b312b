/**
 * The "Scheduled" column of the list views of the recorded types: per row (entry and locale), the next
 * pending publish or unpublish, a lapsed medical review, or a scheduled job that failed since the row
 * was last saved (its reason as the badge's title). One request per type and list (GET
 * /editor/schedules?uid=, pending, failed and flagged jobs), shared by its cells for 5 s.
 */
import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { Badge } from '@strapi/design-system';
import { isRecorded } from './recorded-types';
import { whenText, type ScheduleJob } from './schedule-panel';

interface ListViewHookArgs {
  displayedHeaders: unknown[];
}

interface Row {
  documentId: string;
  locale?: string | null;
  updatedAt?: string | null;
}

const loaded = new Map<string, { at: number; jobs: Promise<ScheduleJob[]> }>();

function jobsOf(get: ReturnType<typeof useFetchClient>['get'], model: string): Promise<ScheduleJob[]> {
  const known = loaded.get(model);
  if (known !== undefined && Date.now() - known.at <= 5000) return known.jobs;
  const jobs = get<{ data: { schedules: ScheduleJob[] } }>(`/editor/schedules?${new URLSearchParams({ uid: model }).toString()}`).then(({ data }) => data.data.schedules);
  loaded.set(model, { at: Date.now(), jobs });
  return jobs;
}

/** What the row's cell shows: the soonest pending job, else a lapse, else a failure newer than the row's last save. */
export function rowBadge(jobs: readonly ScheduleJob[], row: Row): { kind: 'pending' | 'lapsed' | 'failed'; text: string; title?: string } | null {
  const mine = jobs.filter((job) => job.documentId === row.documentId && (row.locale == null || job.locale === row.locale));
  const pending = mine.filter((job) => job.status === 'pending').sort((a, b) => a.at.localeCompare(b.at))[0];
  if (pending !== undefined) return { kind: 'pending', text: `${pending.action === 'publish' ? 'Publish' : 'Unpublish'} ${whenText(pending.at)}` };
  const flag = mine.find((job) => job.status === 'flagged');
  if (flag !== undefined) return { kind: 'lapsed', text: 'Review lapsed', title: flag.outcome ?? undefined };
  const savedAt = row.updatedAt == null ? 0 : Date.parse(row.updatedAt);
  const failed = mine.filter((job) => job.status === 'failed' && job.closedAt !== null && Date.parse(job.closedAt) > savedAt).sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''))[0];
  if (failed !== undefined) return { kind: 'failed', text: `${failed.action === 'publish' ? 'Publish' : 'Unpublish'} failed`, title: failed.outcome ?? undefined };
  return null;
}

function ScheduledCell({ model, row }: { model: string; row: Row }) {
  const { get } = useFetchClient();
  const [jobs, setJobs] = React.useState<ScheduleJob[] | null | undefined>(undefined);
  React.useEffect(() => {
    let isCurrent = true;
    jobsOf(get, model)
      .then((found) => isCurrent && setJobs(found))
      .catch(() => isCurrent && setJobs(null));
    return () => {
      isCurrent = false;
    };
  }, [get, model]);
  if (jobs === undefined || jobs === null) return null;
  const badge = rowBadge(jobs, row);
  if (badge === null) return null;
  const colors = badge.kind === 'pending' ? { backgroundColor: 'primary100', textColor: 'primary700' } : { backgroundColor: 'danger100', textColor: 'danger700' };
  return (
    <Badge {...colors} title={badge.title} data-testid="schedule-badge" data-kind={badge.kind}>
      {badge.text}
    </Badge>
  );
}

export function addScheduledColumn(args: ListViewHookArgs): ListViewHookArgs {
  return {
    ...args,
    displayedHeaders: [
      ...args.displayedHeaders,
      {
        attribute: { type: 'string' },
        label: { id: 'clinic-content.schedule.column', defaultMessage: 'Scheduled' },
        searchable: false,
        sortable: false,
        name: 'scheduled',
        cellFormatter: (row: Row, _header: unknown, { model }: { model: string }) => (isRecorded(model) ? <ScheduledCell model={model} row={row} /> : null),
      },
    ],
  };
}
