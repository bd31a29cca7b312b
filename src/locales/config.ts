/**
 * The locale settings of config/locales.ts, checked: codes, names, fallbacks that name configured
 * locales, no cycles, a configured default. Every mistake is reported at start, naming the locale.
 */
import type { Core } from '@strapi/strapi';
import { i18nLocales, i18nPermissions } from '../content/model';
import { LocaleConfigError, localeChain, type FallbackMap } from './chain';

export interface ConfiguredLocale {
  code: string;
  name: string;
  fallback: string | null;
}

export interface LocaleSettings {
  defaultLocale: string;
  locales: ConfiguredLocale[];
  fallbacks: FallbackMap;
  /** Where the settings came from, for messages: config/locales.ts or LOCALES. */
  source: string;
}

const CODE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

function fail(source: string, message: string): never {
  throw new LocaleConfigError(`${source}: ${message}`);
}

export function parseLocaleSettings(raw: unknown): LocaleSettings {
  let value = raw as Record<string, unknown> | undefined;
  const source = typeof value?.source === 'string' ? value.source : 'config/locales.ts';
  if (typeof value?.json === 'string') {
    try {
      value = JSON.parse(value.json) as Record<string, unknown>;
    } catch (error) {
      fail(source, `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (value === null || typeof value !== 'object') fail(source, 'must be an object with defaultLocale and locales');
  const list = value.locales;
  if (!Array.isArray(list) || list.length === 0) fail(source, 'must list at least one locale under "locales"');
  const locales: ConfiguredLocale[] = [];
  list.forEach((item: unknown, index) => {
    const entry = item as Record<string, unknown>;
    const code = entry?.code;
    if (typeof code !== 'string' || !CODE.test(code)) {
      fail(source, `locale #${index + 1} has code ${JSON.stringify(code)}; write a language tag such as "fr" or "fr-CA"`);
    }
    if (locales.some((known) => known.code === code)) fail(source, `"${code}" is listed twice`);
    const name = entry.name ?? code;
    if (typeof name !== 'string' || name.trim() === '') fail(source, `"${code}" needs a name (shown to editors)`);
    const fallback = entry.fallback ?? null;
    if (fallback !== null && typeof fallback !== 'string') fail(source, `"${code}" has a fallback that is not a locale code`);
    if (fallback === code) fail(source, `"${code}" names itself as its fallback`);
    for (const key of Object.keys(entry)) {
      if (!['code', 'name', 'fallback'].includes(key)) fail(source, `"${code}" has "${key}"; a locale has code, name and fallback`);
    }
    locales.push({ code, name: name.trim(), fallback });
  });
  const codes = locales.map((locale) => locale.code);
  const defaultLocale = value.defaultLocale ?? codes[0];
  if (typeof defaultLocale !== 'string' || !codes.includes(defaultLocale)) {
    fail(source, `defaultLocale ${JSON.stringify(defaultLocale)} is not one of the locales listed (${codes.join(', ')})`);
  }
  for (const locale of locales) {
    if (locale.fallback !== null && !codes.includes(locale.fallback)) {
      fail(source, `"${locale.code}" falls back to "${locale.fallback}", which is not listed (${codes.join(', ')})`);
    }
  }
  if (locales.find((locale) => locale.code === defaultLocale)?.fallback != null) {
    fail(source, `the default locale "${defaultLocale}" ends every chain and cannot have a fallback`);
  }
  for (const locale of locales) {
    const seen = [locale.code];
    let next = locale.fallback;
    while (next !== null) {
      if (seen.includes(next)) fail(source, `fallbacks form a cycle: ${[...seen, next].join(' → ')}`);
      seen.push(next);
      next = locales.find((candidate) => candidate.code === next)?.fallback ?? null;
    }
  }
  const fallbacks = new Map<string, string>();
  for (const locale of locales) if (locale.fallback !== null) fallbacks.set(locale.code, locale.fallback);
  return { defaultLocale, locales, fallbacks, source };
}

const parsed = new WeakMap<Core.Strapi, LocaleSettings>();

export function localeSettings(strapi: Core.Strapi): LocaleSettings {
  let settings = parsed.get(strapi);
  if (settings === undefined) {
    settings = parseLocaleSettings(strapi.config.get('locales'));
    parsed.set(strapi, settings);
  }
  return settings;
}

/** The chain a locale is served along, e.g. fr-CA → fr → en. */
export function chainOf(settings: LocaleSettings, requested: string, knownLocales?: readonly string[]): string[] {
  return localeChain({
    requested,
    fallbacks: settings.fallbacks,
    knownLocales: knownLocales ?? settings.locales.map((locale) => locale.code),
    defaultLocale: settings.defaultLocale,
  });
}

/**
 * Makes Strapi's locales match the configuration: creates the configured locales it lacks and sets
 * the default. Locales only Strapi has (added in the admin) are kept — deleting one would delete its
 * content — and named in a warning.
 */
export async function syncLocales(strapi: Core.Strapi): Promise<void> {
  const settings = localeSettings(strapi);
  const service = i18nLocales(strapi);
  const existing = await service.find();
  const missing = settings.locales.filter((locale) => !existing.some((row) => row.code === locale.code));
  if (missing.length > 0) {
    // All at once, then the super admin's permissions once: the i18n service would redo them per locale.
    await strapi.db.query('plugin::i18n.locale').createMany({ data: missing.map((locale) => ({ code: locale.code, name: `${locale.name} (${locale.code})` })) });
    await i18nPermissions(strapi).actions.syncSuperAdminPermissionsWithLocales();
    strapi.log.info(`Locale${missing.length === 1 ? '' : 's'} ${missing.map((locale) => `"${locale.code}" (${locale.name})`).join(', ')} created from ${settings.source}.`);
  }
  if ((await service.getDefaultLocale()) !== settings.defaultLocale) {
    await service.setDefaultLocale({ code: settings.defaultLocale });
    strapi.log.info(`Default locale set to "${settings.defaultLocale}" from ${settings.source}.`);
  }
  const extra = existing.filter((row) => !settings.locales.some((locale) => locale.code === row.code)).map((row) => row.code);
  if (extra.length > 0) {
    strapi.log.warn(
      `Locale${extra.length === 1 ? '' : 's'} ${extra.join(', ')} exist${extra.length === 1 ? 's' : ''} in Strapi but not in ${settings.source}; ` +
        'served with the default chain (language, then the default locale). Add them to the configuration to choose their fallbacks.',
    );
  }
}
