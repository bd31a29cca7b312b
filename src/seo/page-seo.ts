/** A therapy page's title and description: the technique's own SEO, or its name (with the clinic's) and summary, clipped. */
import type { SeoData } from '../content/types';

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function therapyPageSeo(input: { technique: { name: string; summary: string; seo: SeoData | null }; clinic: { name: string } }): SeoData {
  const { technique, clinic } = input;
  return (
    technique.seo ?? {
      metaTitle: clip(`${technique.name} | ${clinic.name}`, 70),
      metaDescription: clip(technique.summary, 160),
      noIndex: false,
    }
  );
}
