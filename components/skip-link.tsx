'use client';

/**
 * The first stop of the Tab key: straight to the message box, past the sidebar's list (five stops a
 * conversation). Visible only while it has focus.
 */
export function SkipLink() {
  return (
    <a
      href="#message"
      onClick={(e) => {
        e.preventDefault();
        document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus();
      }}
      className="sr-only rounded-lg border border-border bg-background px-3 py-2 text-sm font-medium shadow-lg focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
    >
      Skip to message box
    </a>
  );
}
