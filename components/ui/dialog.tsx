'use client';

import { lazy, Suspense } from 'react';
import type { DialogProps } from './dialog-impl';

/**
 * Radix's dialog (focus trap, scroll lock, dismiss layer) is not needed until a dialog opens, so it
 * is kept out of the page's first script and fetched once the browser is idle.
 */
const DialogImpl = lazy(() => import('./dialog-impl'));
if (typeof window !== 'undefined') {
  const preload = () => void import('./dialog-impl');
  if ('requestIdleCallback' in window) requestIdleCallback(preload, { timeout: 3000 });
  else setTimeout(preload, 1500);
}

/** A modal with a title, a short description and the caller's body (usually a form with buttons). */
export function Dialog(props: DialogProps) {
  if (!props.open) return null;
  return (
    <Suspense fallback={null}>
      <DialogImpl {...props} />
    </Suspense>
  );
}

export const buttonStyles = {
  primary:
    'inline-flex items-center justify-center rounded-lg bg-primary px-3.5 py-2 text-sm font-medium text-primary-foreground hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-50',
  secondary:
    'inline-flex items-center justify-center rounded-lg border border-border px-3.5 py-2 text-sm font-medium hover:bg-muted disabled:opacity-50',
  danger:
    'inline-flex items-center justify-center rounded-lg bg-danger px-3.5 py-2 text-sm font-medium text-white hover:opacity-90 disabled:opacity-50',
  ghost: 'inline-flex items-center justify-center rounded-md p-1.5 text-muted-foreground hover:bg-muted hover:text-foreground',
} as const;
