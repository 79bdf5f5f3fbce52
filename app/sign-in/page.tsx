import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { SignInForm } from '@/components/sign-in-form';
import { safeNextPath } from '@/lib/security/paths';
import { getConfig } from '@/lib/server';

export const metadata: Metadata = { title: 'Sign in · Qwen Chat' };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

/** The password page (the proxy sends signed-out visitors here when APP_PASSWORD is set). */
export default async function SignInPage({ searchParams }: Props) {
  await connection();
  const { next } = await searchParams;
  const target = safeNextPath(typeof next === 'string' ? next : undefined);
  if (!getConfig().APP_PASSWORD) redirect(target);
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-2xl border border-border bg-background p-6 shadow-sm">
        <h1 className="text-lg font-semibold tracking-tight">Qwen Chat</h1>
        <p className="mt-1 mb-5 text-sm text-muted-foreground">This chat is protected by a password.</p>
        <SignInForm next={target} />
      </div>
    </main>
  );
}
