/**
 * Locale chains: the requested locale, its configured fallbacks, then the default locale.
 * LOCALE_FALLBACKS lists "locale:fallback" pairs, e.g. "fr-CA:fr,es-MX:es"; without an entry a
 * regional locale falls back to its language when that is a configured locale (fr-CA → fr).
 */
export class LocaleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocaleConfigError';
  }
}

export type FallbackMap = ReadonlyMap<string, string>;

const LOCALE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export function parseFallbacks(value: string | undefined): FallbackMap {
  const map = new Map<string, string>();
  for (const pair of (value ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const [from, to, extra] = pair.split(':').map((part) => part.trim());
    if (from === undefined || to === undefined || extra !== undefined || !LOCALE.test(from) || !LOCALE.test(to)) {
      throw new LocaleConfigError(`LOCALE_FALLBACKS has "${pair}"; write pairs as locale:fallback, e.g. "fr-CA:fr,es-MX:es"`);
    }
    if (map.has(from)) throw new LocaleConfigError(`LOCALE_FALLBACKS names a fallback for "${from}" twice`);
    map.set(from, to);
  }
  return map;
}

/** The chain for `requested`, keeping only known locales, without repeats, ending with the default. */
export function localeChain(input: {
  requested: string;
  fallbacks: FallbackMap;
  knownLocales: readonly string[];
  defaultLocale: string;
}): string[] {
  const { requested, fallbacks, knownLocales, defaultLocale } = input;
  const chain: string[] = [];
  let current: string | undefined = requested;
  while (current !== undefined && !chain.includes(current)) {
    if (knownLocales.includes(current)) chain.push(current);
    const configured: string | undefined = fallbacks.get(current);
    const language: string | undefined = current.includes('-') ? current.split('-')[0] : undefined;
    current = configured ?? (language !== undefined && knownLocales.includes(language) ? language : undefined);
  }
  if (!chain.includes(defaultLocale)) chain.push(defaultLocale);
  return chain;
}
