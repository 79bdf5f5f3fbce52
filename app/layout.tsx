import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { ThemeScript } from '@/components/theme/theme-script';
import { LazyToaster } from '@/components/toaster';
import './globals.css';

export const metadata: Metadata = {
  title: 'Qwen Chat',
  description: 'A self-hosted chat with qwen-turbo that keeps every conversation.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, interactiveWidget: 'resizes-content' };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: the Content-Security-Policy (proxy.ts) carries a fresh nonce
  // that Next.js must put on the page's scripts, and a page prerendered at build time has none.
  await connection();
  return (
    // The theme script sets a class on <html> before React hydrates; that difference is expected.
    <html lang="en" suppressHydrationWarning>
      <head>
        <ThemeScript />
      </head>
      <body className="antialiased">
        {children}
        <LazyToaster />
      </body>
    </html>
  );
}
