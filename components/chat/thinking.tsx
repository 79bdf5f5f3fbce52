/** Three bouncing dots while a reply has not started (still when the user prefers reduced motion). */
export function ThinkingDots() {
  return (
    <span className="flex h-7 items-center gap-1" aria-hidden="true">
      {[0, 150, 300].map((delay) => (
        <span
          key={delay}
          className="size-1.5 rounded-full bg-muted-foreground motion-safe:animate-bounce"
          style={{ animationDelay: `${delay}ms` }}
        />
      ))}
    </span>
  );
}

/** "Thinking…" until the first words of a reply arrive; a status, so it is announced once. */
export function ThinkingIndicator() {
  return (
    <div className="flex items-center gap-2 text-sm text-muted-foreground" role="status" data-testid="thinking">
      <ThinkingDots />
      Thinking…
    </div>
  );
}
