'use client';

/**
 * Toasts, with Sonner loaded after the page instead of in its first script. `toast` waits until the
 * Toaster (components/toaster.tsx) is on the page, so no message is dropped.
 */
let markMounted: () => void = () => undefined;
const mounted = new Promise<void>((resolve) => (markMounted = resolve));
let sonner: Promise<typeof import('sonner')> | null = null;
export const loadSonner = () => (sonner ??= import('sonner'));

/** Called by the Toaster once it listens. */
export function toasterMounted(): void {
  markMounted();
}

async function show(kind: 'success' | 'error' | 'info', message: string) {
  const [{ toast: sonnerToast }] = await Promise.all([loadSonner(), mounted]);
  sonnerToast[kind](message);
}

export const toast = {
  success: (message: string) => void show('success', message),
  error: (message: string) => void show('error', message),
  info: (message: string) => void show('info', message),
};
