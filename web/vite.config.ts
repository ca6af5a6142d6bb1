import { fileURLToPath } from 'node:url';
import { defineConfig, searchForWorkspaceRoot } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
/**
 * Import-free server files the console shares (value lists, role names): `@shared/*` → src/modules/*,
 * as in web/tsconfig.json `paths`. Only files without Node or server imports may be imported this way.
 */
const sharedRoot = fileURLToPath(new URL('../src/modules', import.meta.url));
const backend = process.env.GOVSHARE_DEV_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: [{ find: /^@shared\//, replacement: `${sharedRoot}/` }],
  },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // Stable vendor chunks so a console change does not invalidate the large UI library caches.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/, priority: 30 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|echarts-for-react)[\\/]/, priority: 20 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|dayjs)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    // The dev server serves files only under `fs.allow`: keep Vite's default (the workspace root, which holds
    // node_modules) and name the shared server files explicitly, as they sit outside web/.
    fs: { allow: [searchForWorkspaceRoot(webRoot), sharedRoot] },
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/openapi.json': backend,
      '/docs': backend,
    },
  },
});
