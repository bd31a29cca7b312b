/**
 * The service's locales: the one place to add a locale or change a fallback chain.
 *
 * Each locale may name a `fallback`, another locale of this list; a request for a locale walks the
 * chain of fallbacks and ends at `defaultLocale` (fr-CA → fr → en). A field left empty in a locale is
 * served from the next locale in its chain that has it. On start the service creates every locale
 * listed here in Strapi (Settings → Internationalization) and makes `defaultLocale` Strapi's default.
 *
 * LOCALES, when set, replaces this list for one deployment: the same shape as JSON, e.g.
 * LOCALES='{"defaultLocale":"en","locales":[{"code":"en","name":"English"},{"code":"it","name":"Italiano"}]}'
 */
export default ({ env }: { env: (name: string, fallback?: string) => string | undefined }) => {
  const override = env('LOCALES');
  if (override !== undefined && override.trim() !== '') return { source: 'LOCALES', json: override };
  return {
    source: 'config/locales.ts',
    defaultLocale: 'en',
    locales: [
      { code: 'en', name: 'English' },
      { code: 'es', name: 'Español' },
      { code: 'fr', name: 'Français' },
      { code: 'fr-CA', name: 'Français (Canada)', fallback: 'fr' },
      { code: 'de', name: 'Deutsch' },
    ],
  };
};
