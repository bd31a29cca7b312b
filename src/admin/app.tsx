/**
 * Admin panel customisation.
 *
 * - The content manager checks uid fields (our slugs) in the browser with a bare pattern and yup's
 *   default message ("slug must match the following: /^[A-Za-z0-9-_.~]*$/"); editors get the same
 *   sentence the server gives instead (src/content-validation/rules.ts). Only uid fields use yup's
 *   default `matches` message; every other pattern check in the admin brings its own.
 * - Home page widgets for editors: medical reviews due, clinic adaptations whose vetted base changed,
 *   and the webhooks sent to clinic sites.
 * - The clinic adaptations' list view gets a "Base" column (up to date / out of date); every list view
 *   a "Scheduled" column (the next scheduled publish or unpublish, a lapsed review, a failed job).
 * - The edit view gets a "History" side panel (the entry's versions, their changes, restore as draft)
 *   and a "Schedule" side panel (publish or unpublish at a time; cancel; why a scheduled job failed).
 */
import { setLocale } from 'yup';
import type { StrapiApp } from '@strapi/strapi/admin';
import { Clock, ArrowClockwise, Pencil } from '@strapi/icons';
import { addBaseColumn } from './adaptation-column';
import { HistoryPanel } from './history-panel';
import type { SidePanelProps } from './recorded-types';
import { addScheduledColumn } from './schedule-column';
import { SchedulePanel } from './schedule-panel';

/** The content manager's side panel API (its plugin types `apis` as unknown; this is the part used). */
interface ContentManagerApis {
  addEditViewSidePanel(panels: Array<(props: SidePanelProps) => unknown>): void;
}

export default {
  config: {
    locales: [],
  },
  register(app: StrapiApp) {
    // First on the home page: what editors must act on comes before Strapi's own statistics.
    app.widgets.register((builtIn) => [
      {
        id: 'review-due',
        icon: Clock,
        title: { id: 'clinic-content.widget.review-due', defaultMessage: 'Medical reviews due' },
        component: async () => (await import('./widgets/ReviewDueWidget')).ReviewDueWidget,
      },
      {
        id: 'adaptations-to-check',
        icon: Pencil,
        title: { id: 'clinic-content.widget.adaptations-to-check', defaultMessage: 'Clinic adaptations to check' },
        component: async () => (await import('./widgets/AdaptationsToCheckWidget')).AdaptationsToCheckWidget,
      },
      {
        id: 'site-revalidation',
        icon: ArrowClockwise,
        title: { id: 'clinic-content.widget.revalidation', defaultMessage: 'Clinic site updates' },
        component: async () => (await import('./widgets/RevalidationWidget')).RevalidationWidget,
      },
      ...builtIn,
    ]);
  },
  bootstrap(app: StrapiApp) {
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', addBaseColumn);
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', addScheduledColumn);
    (app.getPlugin('content-manager').apis as unknown as ContentManagerApis).addEditViewSidePanel([HistoryPanel, SchedulePanel]);
    setLocale({
      string: {
        matches: '${path} must be lowercase-kebab: lowercase letters and digits separated by single hyphens (e.g. "back-pain")',
      },
    });
  },
};
