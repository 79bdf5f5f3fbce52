import { apiRoute } from '@/lib/api/route';
import { readJson } from '@/lib/api/request';
import { uiStreamResponse } from '@/lib/chat/stream-response';
import { liveReplies } from '@/lib/chat/live-replies';
import { serverTiming } from '@/lib/chat/server-timing';
import { chatRequestSchema, startTurn } from '@/lib/chat/turn';
import { enforceChatRateLimit } from '@/lib/security/chat-limit';
import { appDb, getConfig } from '@/lib/server';
import { assertAcceptingChats } from '@/lib/shutdown';

/** Sends a message (or regenerates a reply) and streams the reply as an AI SDK UI message stream. */
export const POST = apiRoute(async (request) => {
  assertAcceptingChats();
  await enforceChatRateLimit(request);
  const config = getConfig();
  const body = await readJson(request, chatRequestSchema, config.MAX_BODY_BYTES);
  const turn = await startTurn(await appDb(), config, body, await liveReplies());
  return uiStreamResponse(turn.generation.subscribe(), {
    'x-conversation-id': turn.conversationId,
    'server-timing': serverTiming(turn.timings),
  });
});
