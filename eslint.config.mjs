import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', '.data/**', 'drizzle/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'] },
  {
    // DESIGN.md §4 dependency rules.
    files: ['components/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/lib/db*', '@/lib/providers*', '@/lib/services*'] }] },
  },
  {
    // Pages, layouts, actions and routes read and write through lib/services (or lib/auth), never the database or an upstream.
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/lib/db', '@/lib/db/**', '**/lib/db', '**/lib/db/**'], message: 'app/ reads and writes through lib/services (or lib/auth), not lib/db.' },
            { group: ['@/lib/providers', '@/lib/providers/**', '**/lib/providers', '**/lib/providers/**'], message: 'app/ reaches upstreams through lib/services, not lib/providers.' },
            { group: ['@/sandbox*', '**/sandbox/*'], message: 'The app knows an upstream by its URL only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/providers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/lib/services*', '@/app*', '@/lib/db*', '**/sandbox/*'] }] },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/providers/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/sandbox*', '**/sandbox/*', '@/app*'] }] },
  },
  {
    files: ['sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/*', '**/lib/*'] }] },
  },
];

export default config;
