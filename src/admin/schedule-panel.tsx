/**
 * The edit view's "Schedule" side panel: the open entry's scheduled publishes and unpublishes in the
 * open locale (GET /editor/schedules), each pending one with "Cancel" (POST /editor/schedules/:id/cancel),
 * failed ones with the reason their checks gave, lapsed medical reviews; and a form that schedules a
 * publish or an unpublish at a date and time of the editor's own time zone (POST /editor/schedules).
 */
import * as React from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import { Button, Flex, Typography } from '@strapi/design-system';
import { isRecorded, refusalMessage, type SidePanelProps } from './recorded-types';

/** A job as the routes show it (src/governance/schedule/jobs.ts, JobView). */
export interface ScheduleJob {
  id: number;
  documentId: string;
  locale: string;
  action: 'publish' | 'unpublish';
  at: string;
  status: 'pending' | 'done' | 'failed' | 'cancelled' | 'flagged' | 'cleared';
  reason: 'requested' | 'review-lapsed';
  createdBy: string;
  closedAt: string | null;
  outcome: string | null;
}

/** A time in the editor's zone, with the zone named (a schedule read across time zones must not be guessed). */
// (dateStyle and timeStyle cannot be combined with timeZoneName: the fields are named one by one.)
export const whenText = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

const ACTION_WORD: Record<ScheduleJob['action'], string> = { publish: 'Publish', unpublish: 'Unpublish' };

function jobText(job: ScheduleJob): string {
  if (job.status === 'flagged' || job.status === 'cleared') return `Medical review lapsed: ${job.outcome ?? ''}${job.status === 'cleared' ? ' (since renewed)' : ''}`;
  const when = whenText(job.at);
  const what = job.reason === 'review-lapsed' ? 'Unpublish (medical review lapsed)' : ACTION_WORD[job.action];
  if (job.status === 'pending') return `${what} at ${when}`;
  if (job.status === 'failed') return `${what} at ${when} failed: ${job.outcome ?? 'no reason given'}`;
  if (job.status === 'cancelled') return `${what} at ${when}: cancelled`;
  return `${what} at ${when}: done${job.outcome === null ? '' : ` (${job.outcome})`}`;
}

const STATUS_COLOR: Partial<Record<ScheduleJob['status'], string>> = { failed: 'danger600', flagged: 'danger600', pending: 'primary600' };

/** The value of a datetime-local input for a moment (local time, to the minute). */
function localInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const ScheduleContent = ({ model, documentId, locale }: { model: string; documentId: string; locale: string }) => {
  const { get, post } = useFetchClient();
  const [jobs, setJobs] = React.useState<ScheduleJob[] | null>(null);
  const [message, setMessage] = React.useState<string | null>(null);
  const [action, setAction] = React.useState<ScheduleJob['action']>('publish');
  const [when, setWhen] = React.useState<string>(() => localInput(new Date(Date.now() + 60 * 60 * 1000)));
  const [version, setVersion] = React.useState(0);

  React.useEffect(() => {
    let isCurrent = true;
    const query = new URLSearchParams({ uid: model, documentId, locale });
    get<{ data: { schedules: ScheduleJob[] } }>(`/editor/schedules?${query.toString()}`)
      .then(({ data }) => isCurrent && setJobs(data.data.schedules))
      .catch(() => isCurrent && setMessage('The schedule could not be loaded.'));
    return () => {
      isCurrent = false;
    };
  }, [get, model, documentId, locale, version]);

  // While a job is pending, look again now and then: the panel shows it done once it ran.
  const hasPending = jobs?.some((job) => job.status === 'pending') ?? false;
  React.useEffect(() => {
    if (!hasPending) return undefined;
    const timer = setInterval(() => setVersion((value) => value + 1), 5000);
    return () => clearInterval(timer);
  }, [hasPending]);

  const schedule = async () => {
    setMessage(null);
    const at = new Date(when);
    if (when === '' || Number.isNaN(at.getTime())) {
      setMessage('Pick a date and a time.');
      return;
    }
    try {
      await post('/editor/schedules', { uid: model, documentId, locale, action, at: at.toISOString() });
      setVersion((value) => value + 1);
    } catch (error) {
      setMessage(refusalMessage(error, 'The schedule could not be saved.'));
    }
  };

  const cancel = async (id: number) => {
    setMessage(null);
    try {
      await post(`/editor/schedules/${id}/cancel`, {});
    } catch (error) {
      setMessage(refusalMessage(error, 'The job could not be cancelled.'));
    }
    setVersion((value) => value + 1);
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="schedule-panel">
      {message === null ? null : (
        <Typography textColor="danger600" data-testid="schedule-message">
          {message}
        </Typography>
      )}
      {jobs === null ? <Typography variant="pi">Loading…</Typography> : null}
      {jobs !== null && jobs.length === 0 ? <Typography variant="pi">Nothing scheduled.</Typography> : null}
      {(jobs ?? []).slice(0, 10).map((job) => (
        <Flex key={job.id} justifyContent="space-between" gap={2} data-testid="schedule-job" data-status={job.status}>
          <Typography variant="pi" textColor={STATUS_COLOR[job.status] ?? 'neutral800'}>
            {jobText(job)}
          </Typography>
          {job.status === 'pending' ? (
            <Button variant="tertiary" size="S" onClick={() => void cancel(job.id)}>
              Cancel
            </Button>
          ) : null}
        </Flex>
      ))}
      <Flex direction="column" alignItems="stretch" gap={1} paddingTop={2}>
        <label>
          <Typography variant="pi">Action</Typography>{' '}
          <select value={action} onChange={(event) => setAction(event.target.value as ScheduleJob['action'])} data-testid="schedule-action">
            <option value="publish">Publish</option>
            <option value="unpublish">Unpublish</option>
          </select>
        </label>
        <label>
          <Typography variant="pi">{`At (your time, ${Intl.DateTimeFormat().resolvedOptions().timeZone})`}</Typography>{' '}
          <input type="datetime-local" step={1} value={when} onChange={(event) => setWhen(event.target.value)} data-testid="schedule-at" />
        </label>
        <Button variant="secondary" onClick={() => void schedule()} data-testid="schedule-submit">
          Schedule
        </Button>
      </Flex>
    </Flex>
  );
};

/** The panel, for entries of the recorded types; an entry not saved yet has nothing to schedule. */
export const SchedulePanel = ({ model, documentId, document }: SidePanelProps) => {
  if (!isRecorded(model)) return null;
  return {
    title: 'Schedule',
    content:
      documentId === undefined || typeof document?.locale !== 'string' ? (
        <Typography variant="pi">Save the entry first: then it can be published or unpublished at a time.</Typography>
      ) : (
        <ScheduleContent model={model} documentId={documentId} locale={document.locale} />
      ),
  };
};
