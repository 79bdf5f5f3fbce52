import Link from 'next/link';

export default function ProjectNotFound() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">Project not found</h1>
      <p className="text-sm text-muted-foreground">This project does not exist, or it was deleted. Its chats, if it had any, are still in the sidebar.</p>
      <Link href="/" className="rounded-lg bg-primary px-4 py-2 text-sm font-medium text-primary-foreground">
        Start a new chat
      </Link>
    </div>
  );
}
