import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './lib/security/headers';

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon, and @redis/client is loaded only with REDIS_URL: both come from
  // node_modules at run time instead of being bundled.
  serverExternalPackages: ['better-sqlite3', '@redis/client'],
  // A separate build folder lets a second build (e.g. a parallel test run) leave this one alone.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // `ai` builds Vercel's AI Gateway provider when it loads; the browser bundle gets a stub instead
  // (see lib/gateway-browser.ts for why that is safe and what it saves).
  turbopack: { resolveAlias: { '@ai-sdk/gateway': { browser: './lib/gateway-browser.ts' } } },
  reactStrictMode: true,
  // The test line type-checks the whole project (tests included) with `tsc --noEmit` first;
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  // On every response, static files included; the per-request Content-Security-Policy is set in proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default nextConfig;
