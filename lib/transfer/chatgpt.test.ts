import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertChatGptConversation, emptySkipCounts, type ChatGptConversion } from './chatgpt';
import { TransferFormatError, type ExportedConversation, type ExportedMessage } from './format';

const FIXTURES = join(__dirname, 'fixtures');
type Raw = Record<string, unknown> & { mapping: Record<string, { message: Record<string, unknown> | null; parent: string | null }> };
const fixture = (name: string): Raw[] => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Raw[];
const one = (name: string): Raw => structuredClone(fixture(name)[0]!);

function ids() {
  let n = 0;
  return () => `id${++n}`;
}

function convert(raw: unknown): ChatGptConversion {
  return convertChatGptConversation(raw, ids(), 1_800_000_000_000);
}

/** Root first: the messages from the tip of the active branch up. */
function activePath(c: ExportedConversation): ExportedMessage[] {
  const byId = new Map(c.messages.map((m) => [m.id, m]));
  const path: ExportedMessage[] = [];
  for (let m = c.currentLeafId ? byId.get(c.currentLeafId) : undefined; m; m = m.parentId ? byId.get(m.parentId) : undefined) path.unshift(m);
  return path;
}

const texts = (list: ExportedMessage[]) => list.map((m) => m.content);
const childrenOf = (c: ExportedConversation, id: string | null) => c.messages.filter((m) => m.parentId === id);

describe('convertChatGptConversation: a linear conversation', () => {
  const result = convert(one('chatgpt-linear.json'));
  const c = result.conversation;

  it('keeps the messages, in order, as a chain', () => {
    expect(c.messages.map((m) => [m.role, m.content.slice(0, 20)])).toEqual([
      ['user', 'How do I brew green '],
      ['assistant', 'Use water at about *'],
      ['user', 'And oolong?'],
      ['assistant', 'Oolong likes hotter '],
    ]);
    expect(c.messages[0]!.parentId).toBeNull();
    for (let i = 1; i < c.messages.length; i++) expect(c.messages[i]!.parentId).toBe(c.messages[i - 1]!.id);
    expect(c.currentLeafId).toBe(c.messages[3]!.id);
    expect(activePath(c)).toEqual(c.messages);
  });

  it('keeps the Markdown of a message exactly', () => {
    expect(c.messages[1]!.content).toBe(
      'Use water at about **80 °C** and steep for 2–3 minutes:\n\n1. Warm the pot.\n2. Add 1 tsp of leaves per cup.\n3. Pour and wait.',
    );
  });

  it('turns seconds into milliseconds: conversation and message times', () => {
    expect(c.createdAt).toBe(1_700_000_000_123);
    expect(c.updatedAt).toBe(1_700_000_300_654);
    expect(c.messages.map((m) => m.createdAt)).toEqual([1_700_000_010_500, 1_700_000_012_250, 1_700_000_200_000, 1_700_000_203_999]);
    expect(c.messages[3]!.updatedAt).toBe(1_700_000_204_500);
    expect(c.messages[0]!.updatedAt).toBe(c.messages[0]!.createdAt);
  });

  it('takes the model of each reply from metadata.model_slug', () => {
    expect(c.messages.map((m) => m.model)).toEqual([null, 'gpt-4o', null, 'gpt-4o-mini']);
  });

  it('sets title, source, status and empty usage', () => {
    expect(c.title).toBe('Linear chat about tea');
    expect(c.source).toBe('chatgpt');
    expect(c.sourceId).toBe('67a1b2c3-0000-4000-8000-00000000c0a1');
    expect(result.sourceId).toBe(c.sourceId);
    expect(c.pinnedAt).toBeNull();
    expect(c.settings).toBeNull();
    for (const m of c.messages) {
      expect(m.status).toBe('complete');
      expect(m.error).toBeNull();
      expect([m.promptTokens, m.completionTokens, m.cachedTokens]).toEqual([null, null, null]);
    }
  });

  it('counts the empty root and the hidden system message as skipped', () => {
    expect(result.skipped).toEqual({ ...emptySkipCounts(), emptyNode: 1, hidden: 1 });
  });

  it('uses fresh ids from the generator for the conversation and every message', () => {
    const all = [c.id, ...c.messages.map((m) => m.id)];
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^id\d+$/);
  });
});

describe('convertChatGptConversation: branches', () => {
  const c = convert(one('chatgpt-branches.json')).conversation;
  const byText = (t: string) => c.messages.find((m) => m.content.includes(t))!;

  it('keeps every branch: the edited prompt and both versions of the reply', () => {
    expect(c.messages).toHaveLength(7);
    const answer = byText('Paris.');
    expect(childrenOf(c, answer.id).map((m) => m.content)).toEqual(['Tell me more about it', 'Tell me about its museums (edited)']);
    const prompt = byText('Tell me more about it');
    expect(childrenOf(c, prompt.id).map((m) => m.content)).toEqual([
      'Paris is on the Seine and has about two million people (first version).',
      "Paris, the City of Light, is France's largest city (regenerated).",
    ]);
    expect(byText('The Louvre').parentId).toBe(byText('museums').id);
  });

  it('the active branch is current_node’s path, not the newest one', () => {
    expect(texts(activePath(c))).toEqual([
      'What is the capital of France?',
      'Paris.',
      'Tell me more about it',
      'Paris is on the Seine and has about two million people (first version).',
    ]);
  });

  it('without current_node, the newest leaf is active', () => {
    const raw = one('chatgpt-branches.json');
    delete raw.current_node;
    expect(activePath(convert(raw).conversation).at(-1)!.content).toContain('The Louvre');
    raw.current_node = 'no-such-node';
    expect(activePath(convert(raw).conversation).at(-1)!.content).toContain('The Louvre');
  });

  it('lists parents before their children', () => {
    const seen = new Set<string | null>([null]);
    for (const m of c.messages) {
      expect(seen.has(m.parentId)).toBe(true);
      seen.add(m.id);
    }
  });

  it('keeps each version’s model', () => {
    expect(byText('(first version)').model).toBe('gpt-4');
    expect(byText('(regenerated)').model).toBe('gpt-4o');
  });
});

describe('convertChatGptConversation: what is skipped', () => {
  const result = convert(one('chatgpt-skips.json'));
  const c = result.conversation;

  it('keeps only what the user wrote and read', () => {
    expect(c.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'What is in this picture?'],
      ['assistant', 'A cat asleep on a keyboard.'],
      ['user', 'Compute 2**100 and look up who first did it.'],
      ['assistant', '2**100 = 1267650600228229401496703205376.'],
      ['assistant', 'Nice picture!'],
    ]);
  });

  it('counts each skipped node by reason, and the images', () => {
    expect(result.skipped).toEqual({
      emptyNode: 1, // the root
      hidden: 2, // the system prompt and the custom instructions
      tool: 3, // the code-interpreter call, its output and a browsing quote
      nonText: 2, // reasoning, and a message that was only an image
      empty: 0,
      attachments: 2, // the two images
    });
  });

  it('re-parents children of skipped nodes to their nearest kept ancestor', () => {
    const [u1, a1, u2, a2, a3] = c.messages;
    expect(u1!.parentId).toBeNull(); // root, system prompt and context were skipped
    expect(a1!.parentId).toBe(u1!.id);
    expect(a2!.parentId).toBe(u2!.id); // thoughts → code → output → quote were skipped
    expect(a3!.parentId).toBe(a2!.id); // the image-only message was skipped
    expect(activePath(c)).toEqual(c.messages);
  });

  it('a skipped current_node makes its nearest kept ancestor the active leaf', () => {
    const raw = one('chatgpt-skips.json');
    raw.current_node = 'out-s';
    const converted = convert(raw).conversation;
    expect(activePath(converted).at(-1)!.content).toBe('Compute 2**100 and look up who first did it.');
    // Nothing is lost: the rest of the tree is still there.
    expect(converted.messages).toHaveLength(5);
  });

  it('a current_node with nothing kept on its path (the root) falls back to the newest leaf', () => {
    const raw = one('chatgpt-skips.json');
    raw.current_node = 'root-s';
    expect(activePath(convert(raw).conversation).at(-1)!.content).toBe('Nice picture!');
  });
});

describe('convertChatGptConversation: CJK', () => {
  it('keeps Chinese, Japanese, Korean and emoji text and titles exactly', () => {
    const c = convert(one('chatgpt-cjk.json')).conversation;
    expect(c.title).toBe('长城与富士山');
    expect(texts(activePath(c))).toEqual([
      '你好，请介绍一下长城。',
      '长城是中国古代的军事防御工程，总长度超过两万公里。🧱',
      '富士山について日本語で教えてください。',
      '富士山は日本で一番高い山で、標高は3776メートルです。한국어로도 후지산이라고 합니다.',
    ]);
  });
});

describe('convertChatGptConversation: odd but valid input', () => {
  const base = () => one('chatgpt-linear.json');
  const node = (raw: Raw, id: string) => raw.mapping[id]!;

  it('an untitled conversation is named after its first message', () => {
    const raw = base();
    raw.title = null;
    expect(convert(raw).conversation.title).toBe('How do I brew green tea?');
    raw.title = '   ';
    expect(convert(raw).conversation.title).toBe('How do I brew green tea?');
  });

  it('cuts very long titles to 200 characters', () => {
    const raw = base();
    raw.title = '长'.repeat(500);
    expect([...convert(raw).conversation.title]).toHaveLength(200);
  });

  it('a message without a time takes its parent’s; a conversation without times takes its messages’', () => {
    const raw = base();
    node(raw, 'a5515700-0000-4000-8000-000000000004').message!.create_time = null;
    raw.create_time = null;
    raw.update_time = null;
    const c = convert(raw).conversation;
    expect(c.messages[1]!.createdAt).toBe(c.messages[0]!.createdAt);
    expect(c.createdAt).toBe(1_700_000_010_500);
    expect(c.updatedAt).toBe(1_700_000_204_500);
  });

  it('conversation_id wins over id', () => {
    const raw = base();
    raw.id = 'other';
    expect(convert(raw).sourceId).toBe('67a1b2c3-0000-4000-8000-00000000c0a1');
    delete raw.conversation_id;
    expect(convert(raw).sourceId).toBe('other');
  });

  it('maps in-progress and stopped replies', () => {
    const raw = base();
    node(raw, 'a5515700-0000-4000-8000-000000000004').message!.status = 'in_progress';
    node(raw, 'a5515700-0000-4000-8000-000000000006').message!.metadata = { finish_details: { type: 'interrupted' } };
    const [, first, , second] = convert(raw).conversation.messages;
    expect(first!.status).toBe('interrupted');
    expect(first!.error).toMatch(/still being written/);
    expect(second!.status).toBe('stopped');
  });

  it('keeps a voice message’s transcript and counts its audio', () => {
    const raw = base();
    node(raw, 'aaa3u5e4-0000-4000-8000-000000000005').message!.content = {
      content_type: 'multimodal_text',
      parts: [
        { content_type: 'audio_transcription', text: 'And oolong, spoken?', direction: 'in' },
        { content_type: 'audio_asset_pointer', asset_pointer: 'sediment://file_1', format: 'wav' },
      ],
    };
    const result = convert(raw);
    expect(result.conversation.messages[2]!.content).toBe('And oolong, spoken?');
    expect(result.skipped.attachments).toBe(1);
  });

  it('a visible system message is kept; an empty reply is skipped as empty', () => {
    const raw = base();
    const sys = node(raw, '5e1f0000-0000-4000-8000-000000000002').message!;
    sys.metadata = {};
    sys.content = { content_type: 'text', parts: ['Answer in French.'] };
    node(raw, 'a5515700-0000-4000-8000-000000000006').message!.content = { content_type: 'text', parts: [''] };
    const result = convert(raw);
    expect(result.conversation.messages[0]).toMatchObject({ role: 'system', content: 'Answer in French.', parentId: null });
    expect(result.skipped.empty).toBe(1);
    // The active leaf was the empty reply: its parent takes over.
    expect(activePath(result.conversation).at(-1)!.content).toBe('And oolong?');
  });

  it('a parent link to a node that is not in the mapping makes a root', () => {
    const raw = base();
    node(raw, 'aaa2u5e4-0000-4000-8000-000000000003').parent = 'vanished';
    expect(convert(raw).conversation.messages[0]!.parentId).toBeNull();
  });

  it('an assistant message addressed to a tool is a tool call, whatever its content type', () => {
    const raw = base();
    node(raw, 'a5515700-0000-4000-8000-000000000004').message!.recipient = 'dalle.text2im';
    expect(convert(raw).skipped.tool).toBe(1);
  });

  it('a conversation with nothing to keep converts to an empty one', () => {
    const c = convert({ id: 'empty', title: 'Nothing', create_time: 1, mapping: { r: { id: 'r', parent: null, children: [], message: null } } });
    expect(c.conversation.messages).toEqual([]);
    expect(c.conversation.currentLeafId).toBeNull();
    expect(c.skipped.emptyNode).toBe(1);
  });
});

describe('convertChatGptConversation: malformed', () => {
  const malformed = fixture('chatgpt-malformed.json');

  it.each([
    ['missing mapping', malformed[1], /mapping/],
    ['mapping that is a string', malformed[2], /mapping/],
    ['a message without an author', malformed[3], /mapping\.u\.message: author/],
    ['a string', malformed[4], /expected an object/],
    ['an array', [], /expected an object/],
    ['null', null, /expected an object/],
    ['no id at all', { title: 'x', mapping: {} }, /no id/],
  ])('%s → TransferFormatError', (_name, raw, message) => {
    expect(() => convert(raw)).toThrow(TransferFormatError);
    expect(() => convert(raw)).toThrow(message);
  });

  it('a cycle in the parent links → TransferFormatError', () => {
    const raw = {
      id: 'cyc',
      mapping: {
        a: { id: 'a', parent: 'b', children: ['b'], message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['a'] } } },
        b: { id: 'b', parent: 'a', children: ['a'], message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['b'] } } },
      },
    };
    expect(() => convert(raw)).toThrow(/cycle/);
  });

  it('never throws anything else, and always yields a consistent tree, on random mappings', () => {
    const role = fc.constantFrom('user', 'assistant', 'system', 'tool', 'critic');
    const contentType = fc.constantFrom('text', 'multimodal_text', 'code', 'execution_output', 'thoughts', 'tether_quote');
    const part = fc.oneof(fc.string(), fc.record({ content_type: fc.constantFrom('image_asset_pointer', 'audio_transcription'), text: fc.string() }));
    const message = fc.option(
      fc.record(
        {
          author: fc.record({ role }),
          create_time: fc.option(fc.double({ min: 0, max: 2e9, noNaN: true })),
          content: fc.record({ content_type: contentType, parts: fc.array(part, { maxLength: 3 }) }),
          recipient: fc.constantFrom('all', 'python', undefined),
          metadata: fc.record({ is_visually_hidden_from_conversation: fc.boolean(), model_slug: fc.string() }, { requiredKeys: [] }),
          status: fc.constantFrom('finished_successfully', 'in_progress', undefined),
        },
        { requiredKeys: ['author'] },
      ),
    );
    const conversation = fc.integer({ min: 0, max: 12 }).chain((n) =>
      fc.record({
        id: fc.constant('conv'),
        title: fc.option(fc.string()),
        current_node: fc.option(fc.integer({ min: 0, max: 13 }).map((i) => `n${i}`)),
        mapping: fc
          .tuple(
            fc.array(fc.option(fc.integer({ min: 0, max: 13 })), { minLength: n, maxLength: n }),
            fc.array(message, { minLength: n, maxLength: n }),
          )
          .map(([parents, messages]) =>
            Object.fromEntries(
              parents.map((p, i) => [`n${i}`, { id: `n${i}`, parent: p === null ? null : `n${p}`, children: [], message: messages[i] ?? null }]),
            ),
          ),
      }),
    );
    fc.assert(
      fc.property(conversation, (raw) => {
        let result: ChatGptConversion;
        try {
          result = convert(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(TransferFormatError);
          return;
        }
        const c = result.conversation;
        const seen = new Set<string | null>([null]);
        for (const m of c.messages) {
          expect(seen.has(m.parentId)).toBe(true);
          expect(m.content.trim()).not.toBe('');
          seen.add(m.id);
        }
        if (c.messages.length && !raw.current_node) expect(c.currentLeafId).not.toBeNull();
        if (c.currentLeafId !== null) expect(seen.has(c.currentLeafId)).toBe(true);
        const skipped = result.skipped;
        expect(c.messages.length + skipped.emptyNode + skipped.hidden + skipped.tool + skipped.nonText + skipped.empty).toBe(
          Object.keys(raw.mapping).length,
        );
      }),
      { numRuns: 500 },
    );
  });
});
