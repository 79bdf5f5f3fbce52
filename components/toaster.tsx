'use client';

import { lazy, Suspense, useEffect, useSyncExternalStore } from 'react';
import { loadSonner, toasterMounted } from './toast';

const Toaster = lazy(() => loadSonner().then((m) => ({ default: m.Toaster })));

function Mounted() {
  // Runs after the Toaster's own effects (an earlier sibling), so it is listening by now.
  useEffect(toasterMounted, []);
  return null;
}

/** The app's theme (the class on <html>, components/theme), which may differ from the system's. */
function subscribeTheme(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
const isDark = () => document.documentElement.classList.contains('dark');

/** Sonner's toaster, fetched after the page has loaded (see components/toast.ts), in the app's theme; at the top, where it never covers the message box or its Send button. */
export function LazyToaster() {
  const dark = useSyncExternalStore(subscribeTheme, isDark, () => false);
  return (
    <Suspense fallback={null}>
      <Toaster position="top-center" closeButton theme={dark ? 'dark' : 'light'} />
      <Mounted />
    </Suspense>
  );
}
