/**
 * Admin panel customisation.
 *
 * - The content manager checks uid fields (our slugs) in the browser with a bare pattern and yup's
 *   default message ("slug must match the following: /^[A-Za-z0-9-_.~]*$/"); editors get the same
 *   sentence the server gives instead (src/content-validation/rules.ts). Only uid fields use yup's
 *   default `matches` message; every other pattern check in the admin brings its own.
 * - Two home page widgets for editors: medical reviews due, and the webhooks sent to clinic sites.
 */
import { setLocale } from 'yup';
import type { StrapiApp } from '@strapi/strapi/admin';
import { Clock, ArrowClockwise } from '@strapi/icons';

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
        id: 'site-revalidation',
        icon: ArrowClockwise,
        title: { id: 'clinic-content.widget.revalidation', defaultMessage: 'Clinic site updates' },
        component: async () => (await import('./widgets/RevalidationWidget')).RevalidationWidget,
      },
      ...builtIn,
    ]);
  },
  bootstrap() {
    setLocale({
      string: {
        matches: '${path} must be lowercase-kebab: lowercase letters and digits separated by single hyphens (e.g. "back-pain")',
      },
    });
  },
};
