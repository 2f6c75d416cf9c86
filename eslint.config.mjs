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
    files: ['app/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/lib/providers/*/*', '@/sandbox*', '**/sandbox/*'] }] },
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
