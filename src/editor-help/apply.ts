import type { Core } from '@strapi/strapi';
import { FIELD_HELP } from './field-help';

interface FieldMetadata {
  edit?: Record<string, unknown>;
  list?: Record<string, unknown>;
}

interface ModelConfiguration {
  metadatas?: Record<string, FieldMetadata>;
  settings?: Record<string, unknown>;
  layouts?: Record<string, unknown>;
}

interface ConfigurationService {
  findConfiguration(model: { uid: string }): Promise<ModelConfiguration>;
  updateConfiguration(model: { uid: string }, configuration: ModelConfiguration): Promise<unknown>;
}

/**
 * Writes our labels and help texts into the content manager's view configuration, where the admin
 * reads them. Runs at every bootstrap after the content manager has synced its configurations, and
 * writes only when something differs, so edits to other view settings are kept.
 */
export async function applyFieldHelp(strapi: Core.Strapi): Promise<void> {
  const contentManager = strapi.plugin('content-manager');
  for (const [uid, fields] of Object.entries(FIELD_HELP)) {
    const service = contentManager.service(uid.includes('::') ? 'content-types' : 'components') as ConfigurationService;
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
