import { createUIMessageStreamResponse } from 'ai';
import { apiRoute } from '@/lib/api/route';
import { readJson } from '@/lib/api/request';
import { chatRequestSchema, startTurn } from '@/lib/chat/turn';
import { appDb, getConfig } from '@/lib/server';

/** Sends a message (or regenerates a reply) and streams the reply as an AI SDK UI message stream. */
export const POST = apiRoute(async (request) => {
  const config = getConfig();
  // JSON escaping can at most ~6× a message's length; the rest of the body is small.
  const body = await readJson(request, chatRequestSchema, config.MAX_MESSAGE_CHARS * 6 + 64_000);
  const turn = startTurn(appDb(), config, body);
  return createUIMessageStreamResponse({
    stream: turn.generation.subscribe(),
    headers: { 'x-conversation-id': turn.conversationId },
  });
});
