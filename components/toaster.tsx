'use client';

import { lazy, Suspense, useEffect } from 'react';
import { loadSonner, toasterMounted } from './toast';

const Toaster = lazy(() => loadSonner().then((m) => ({ default: m.Toaster })));

function Mounted() {
  // Runs after the Toaster's own effects (an earlier sibling), so it is listening by now.
  useEffect(toasterMounted, []);
  return null;
}

/** Sonner's toaster, fetched after the page has loaded (see components/toast.ts). */
export function LazyToaster() {
  return (
    <Suspense fallback={null}>
      <Toaster position="bottom-right" closeButton theme="system" />
      <Mounted />
    </Suspense>
  );
}
