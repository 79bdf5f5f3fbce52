import type { UIMessage } from 'ai';
import type { MessageRow, MessageStatus } from '@/db/schema';

/** A file attached to a user message, as its chip shows it. */
export type AttachmentInfo = { id: string; name: string; kind: 'text' | 'pdf' | 'docx'; sizeBytes: number; tokens: number; pages?: number | null };

export type MessageUsage = { promptTokens: number | null; completionTokens: number | null; cachedTokens: number | null };

/** What the client needs about a message besides its text. */
export type MessageMetadata = {
  status?: MessageStatus;
  error?: string | null;
  /** When the upstream asked us to wait (429 retry-after): epoch ms before which Retry is pointless. */
  retryAt?: number;
  /** Oldest messages left out of the request that produced this reply, to fit the context window. */
  contextOmitted?: number;
  /** Estimated prompt tokens of that request. */
  contextTokens?: number;
  /** This message's place among its versions (same parent): the "‹ 2 / 3 ›" controls. */
  branch?: { index: number; count: number; siblingIds: string[] };
  usage?: MessageUsage;
  /** Files attached to a user message, in order. */
  attachments?: AttachmentInfo[];
  model?: string | null;
  createdAt?: number;
};

export type ChatUIMessage = UIMessage<MessageMetadata>;

export function toUIMessage(row: MessageRow, branch?: MessageMetadata['branch'], attachments?: AttachmentInfo[]): ChatUIMessage {
  return {
    id: row.id,
    role: row.role,
    parts: row.content ? [{ type: 'text', text: row.content }] : [],
    metadata: {
      status: row.status,
      error: row.error,
      model: row.model,
      createdAt: row.createdAt,
      ...(branch && branch.count > 1 ? { branch } : {}),
      ...(row.contextOmitted ? { contextOmitted: row.contextOmitted } : {}),
      ...(attachments?.length ? { attachments } : {}),
      usage:
        row.role === 'assistant'
          ? { promptTokens: row.promptTokens, completionTokens: row.completionTokens, cachedTokens: row.cachedTokens }
          : undefined,
    },
  };
}

export function messageText(message: Pick<UIMessage, 'parts'>): string {
  return message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
}
