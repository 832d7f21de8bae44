import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, whether running from src/ (tests) or dist/ (built). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');
export const VIEWS_DIR = join(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
export const CONTENT_DIR = join(PROJECT_ROOT, 'content');
