'use client';

import { useRef, useState, type ChangeEvent } from 'react';
import { toast } from '@/components/toast';
import { Dialog, buttonStyles } from '@/components/ui/dialog';
import type { ImportReport } from '@/lib/transfer/import';
import { conversationStore } from './conversation-store';

type Upload = { loaded: number; total: number; processing: boolean };

/**
 * The sidebar's Import and Export all. Import uploads one or more files (ChatGPT's
 * conversations.json, its split parts or the whole .zip, or a Qwen Chat export) with a progress
 * bar, then shows what was imported, skipped and left out, and reloads the list.
 */
export function TransferBar() {
  const input = useRef<HTMLInputElement>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);

  function onFiles(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])];
    event.target.value = ''; // choosing the same file again still fires change
    if (files.length === 0) return;
    const form = new FormData();
    for (const file of files) form.append('file', file, file.name);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    setUpload({ loaded: 0, total, processing: false });

    // XMLHttpRequest, not fetch: it reports upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/import');
    xhr.upload.onprogress = (e) => {
      const size = e.lengthComputable ? e.total : total;
      setUpload({ loaded: e.loaded, total: size, processing: e.loaded >= size });
    };
    xhr.upload.onload = () => setUpload((u) => (u ? { ...u, loaded: u.total, processing: true } : u));
    xhr.onload = () => {
      setUpload(null);
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        setReport(body as ImportReport);
        void conversationStore.reload();
      } else {
        const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `the server answered HTTP ${xhr.status}`;
        toast.error(`Could not import: ${message}`);
      }
    };
    xhr.onerror = () => {
      setUpload(null);
      toast.error('Could not import: the server could not be reached.');
    };
    xhr.send(form);
  }

  const percent = upload ? Math.min(100, Math.round((upload.loaded / Math.max(upload.total, 1)) * 100)) : 0;

  return (
    <div className="space-y-2 border-t border-border p-3">
      <div className="flex items-center gap-2">
        <button
          type="button"
          className={`${buttonStyles.secondary} flex-1 py-1.5`}
          onClick={() => input.current?.click()}
          disabled={upload !== null}
          title="Import a ChatGPT export (conversations.json or the .zip) or a Qwen Chat export"
        >
          Import
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,.zip,application/json,application/zip"
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-label="Import conversations"
          onChange={onFiles}
        />
        <a href="/api/export" download className={`${buttonStyles.secondary} flex-1 py-1.5`} title="Download every conversation as one JSON file">
          Export all
        </a>
      </div>
      {upload ? (
        <div className="space-y-1">
          <div
            role="progressbar"
            aria-label="Import progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={upload.processing ? 'Importing…' : `Uploading, ${percent}%`}
            className="h-1.5 overflow-hidden rounded-full bg-muted"
          >
            <div
              className={`h-full rounded-full bg-primary transition-[width] ${upload.processing ? 'animate-pulse' : ''}`}
              style={{ width: `${percent}%` }}
            />
          </div>
          <p className="text-xs text-muted-foreground">
            {upload.processing ? 'Importing…' : `Uploading ${formatSize(upload.loaded)} of ${formatSize(upload.total)}`}
          </p>
        </div>
      ) : null}
      <Dialog open={report !== null} onOpenChange={(open) => (open ? undefined : setReport(null))} title="Import finished">
        {report ? <ReportBody report={report} onClose={() => setReport(null)} /> : null}
      </Dialog>
    </div>
  );
}

const LEFT_OUT: [keyof ImportReport['skippedMessages'], string, string][] = [
  ['hidden', 'hidden system or context message', 'hidden system or context messages'],
  ['tool', 'tool call or tool output', 'tool calls and tool outputs'],
  ['nonText', 'message without text', 'messages without text (images, reasoning)'],
  ['empty', 'empty message', 'empty messages'],
  ['attachments', 'image or file', 'images and files'],
];

function ReportBody({ report, onClose }: { report: ImportReport; onClose: () => void }) {
  const leftOut = LEFT_OUT.filter(([key]) => report.skippedMessages[key] > 0).map(
    ([key, one, many]) => `${report.skippedMessages[key]} ${report.skippedMessages[key] === 1 ? one : many}`,
  );
  const errorCount = report.errors.length + report.moreErrors;
  return (
    <div className="space-y-3 text-sm">
      <ul className="space-y-1">
        <li>{plural(report.imported, 'conversation')} imported</li>
        <li>{plural(report.skipped, 'conversation')} skipped (already imported)</li>
        {errorCount > 0 ? <li>{plural(errorCount, 'conversation')} could not be imported</li> : null}
      </ul>
      {leftOut.length ? <p className="text-muted-foreground">Left out: {leftOut.join(', ')}.</p> : null}
      {report.errors.length ? (
        <ul aria-label="Import errors" className="max-h-48 space-y-1 overflow-y-auto rounded-lg border border-border p-2 text-xs">
          {report.errors.map((e, i) => (
            <li key={i}>
              <span className="font-medium">{e.conversation}</span>
              {e.file ? <span className="text-muted-foreground"> ({e.file})</span> : null}: {e.reason}
            </li>
          ))}
          {report.moreErrors ? <li className="text-muted-foreground">and {report.moreErrors} more</li> : null}
        </ul>
      ) : null}
      <div className="flex justify-end">
        <button type="button" className={buttonStyles.primary} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}
