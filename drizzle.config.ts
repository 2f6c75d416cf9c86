import { defineConfig } from 'drizzle-kit';

// The schema files start with `import 'server-only'`: `npm run db:generate` loads them under the
// react-server condition (NODE_OPTIONS in package.json), as Next's server does; drizzle-kit loads no React.

export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema/index.ts',
  out: './drizzle',
});
