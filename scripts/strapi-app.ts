/**
 * Boots the app for command-line tools (run from dist/, after `tsc`): loaded, quiet, and without
 * seeding by itself.
 */
import path from 'path';
import { createStrapi, type Core } from '@strapi/strapi';

export async function bootStrapi(): Promise<Core.Strapi> {
  process.env.SEED_ON_EMPTY ??= 'false';
  process.env.LOG_LEVEL ??= 'warn';
  const distDir = path.resolve(__dirname, '..');
  const appDir = path.resolve(distDir, '..');
  return createStrapi({ appDir, distDir }).load();
}
