import type { Core } from '@strapi/strapi';
import { contentManagerViews } from '../content/model';
import { FIELD_HELP } from './field-help';

/**
 * Writes our labels and help texts into the content manager's view configuration, where the admin
 * reads them. Runs at every bootstrap after the content manager has synced its configurations, and
 * writes only when something differs, so edits to other view settings are kept.
 */
export async function applyFieldHelp(strapi: Core.Strapi): Promise<void> {
  const views = contentManagerViews(strapi);
  for (const [uid, fields] of Object.entries(FIELD_HELP)) {
    const service = uid.includes('::') ? views.contentTypes : views.components;
    const current = await service.findConfiguration({ uid });
    const metadatas = { ...(current.metadatas ?? {}) };
    let isChanged = false;
    for (const [field, help] of Object.entries(fields)) {
      const existing = metadatas[field] ?? {};
      const edit = existing.edit ?? {};
      const list = existing.list ?? {};
      if (edit.label === help.label && edit.description === help.description && list.label === help.label) continue;
      metadatas[field] = {
        ...existing,
        edit: { ...edit, label: help.label, description: help.description },
        list: { ...list, label: help.label },
      };
      isChanged = true;
    }
    if (isChanged) {
      await service.updateConfiguration(
        { uid },
        { settings: current.settings, layouts: current.layouts, metadatas },
      );
    }
  }
}
