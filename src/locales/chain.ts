/**
 * Locale chains: the requested locale, its configured fallbacks (config/locales.ts), then the default
 * locale. A locale without a configured fallback falls back to its language when that is a known
 * locale (pt-BR → pt).
 */
export class LocaleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocaleConfigError';
  }
}

export type FallbackMap = ReadonlyMap<string, string>;

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
