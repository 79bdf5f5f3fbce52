'use client';

import { useState, type FormEvent } from 'react';
import { Dialog, buttonStyles } from '@/components/ui/dialog';
import type { ConversationSettings } from '@/lib/chat/settings';

type NumericField = Exclude<keyof ConversationSettings, 'systemPrompt' | 'model'>;

const FIELDS: { key: NumericField; label: string; min: number; max: number; step: number }[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.1 },
  { key: 'topP', label: 'Top P', min: 0.01, max: 1, step: 0.01 },
  { key: 'maxTokens', label: 'Max tokens', min: 1, max: 16384, step: 1 },
  { key: 'presencePenalty', label: 'Presence penalty', min: -2, max: 2, step: 0.1 },
  { key: 'frequencyPenalty', label: 'Frequency penalty', min: -2, max: 2, step: 0.1 },
  { key: 'seed', label: 'Seed', min: 0, max: 2147483647, step: 1 },
];

/**
 * System prompt and parameters for one conversation. An empty field means "not set": the server
 * default applies (shown as the placeholder), or nothing is sent and the model decides.
 */
export function SettingsDialog({
  open,
  onOpenChange,
  settings,
  defaults,
  onSave,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  settings: ConversationSettings;
  defaults: ConversationSettings;
  onSave(next: ConversationSettings): Promise<void> | void;
}) {
  const [system, setSystem] = useState(settings.systemPrompt ?? '');
  const [values, setValues] = useState<Record<NumericField, string>>(
    () => Object.fromEntries(FIELDS.map((f) => [f.key, settings[f.key]?.toString() ?? ''])) as Record<NumericField, string>,
  );
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: ConversationSettings = {};
    if (system.trim()) next.systemPrompt = system;
    for (const f of FIELDS) {
      const raw = values[f.key].trim();
      if (raw !== '') next[f.key] = Number(raw);
    }
    setSaving(true);
    try {
      await onSave(next);
      onOpenChange(false);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Conversation settings" description="Sent with every message in this conversation. Leave a field empty for the default.">
      <form onSubmit={submit} className="space-y-4">
        <label className="block text-sm">
          <span className="mb-1 block font-medium">System prompt</span>
          <textarea
            value={system}
            onChange={(e) => setSystem(e.target.value)}
            rows={4}
            maxLength={100_000}
            placeholder={defaults.systemPrompt ?? 'None'}
            className="w-full rounded-lg border border-border bg-background px-3 py-2 text-sm"
          />
        </label>
        <div className="grid grid-cols-2 gap-3">
          {FIELDS.map((f) => (
            <label key={f.key} className="block text-sm">
              <span className="mb-1 block font-medium">{f.label}</span>
              <input
                type="number"
                inputMode="decimal"
                min={f.min}
                max={f.max}
                step={f.step}
                value={values[f.key]}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                placeholder={defaults[f.key] !== undefined ? String(defaults[f.key]) : 'default'}
                className="w-full rounded-lg border border-border bg-background px-3 py-2 text-sm"
              />
            </label>
          ))}
        </div>
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="submit" className={buttonStyles.primary} disabled={saving}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
