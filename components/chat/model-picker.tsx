'use client';

import { useEffect, useState } from 'react';

type ModelList = { models: { id: string }[]; defaultModel: string; source: 'upstream' | 'fallback' };

/** One request per page load: the server caches the upstream's list too. */
let listing: Promise<ModelList | null> | undefined;
function loadModels(): Promise<ModelList | null> {
  listing ??= fetch('/api/models')
    .then((res) => (res.ok ? (res.json() as Promise<ModelList>) : null))
    .catch(() => null);
  return listing;
}

/**
 * The conversation's model, in the header. Until the list arrives it offers only the model in use,
 * so the server's HTML and the first render agree.
 */
export function ModelPicker({ value, defaultModel, onChange }: { value: string | undefined; defaultModel: string; onChange(model: string): void }) {
  const [models, setModels] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    void loadModels().then((list) => {
      if (live && list) setModels(list.models.map((m) => m.id));
    });
    return () => {
      live = false;
    };
  }, []);
  const current = value ?? defaultModel;
  const options = models ? (models.includes(current) ? models : [current, ...models]) : [current];
  return (
    <select
      aria-label="Model"
      data-testid="model-picker"
      value={current}
      onChange={(e) => onChange(e.target.value)}
      className="max-w-44 min-w-0 shrink truncate rounded-md border border-border bg-background px-1.5 py-1 text-xs text-foreground"
      title="The model this conversation talks to"
    >
      {options.map((id) => (
        <option key={id} value={id}>
          {id}
          {id === defaultModel ? ' (default)' : ''}
        </option>
      ))}
    </select>
  );
}
