import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';
import { parseDocuments } from '@/lib/attachments/document-block';
import { buildUpstreamRequest, documentTokens, type PromptDocument } from './turn';

const config = parseConfig({});
/** 1,000 prompt tokens: budget 9,000 less 8,000 kept for the reply. */
const small = parseConfig({ CONTEXT_BUDGET_TOKENS: '9000', DEFAULT_MAX_TOKENS: '8000' });

const texts = new Map([
  ['a'.repeat(64), 'Alpha document.\nSecond line.'],
  ['b'.repeat(64), 'Beta document.'],
  ['c'.repeat(64), 'Project charter.'],
]);
const lookup = (ids: string[]) => new Map(ids.map((id) => [id, texts.get(id)!]));
const doc = (ch: string, name: string, tokens = 10): PromptDocument => ({ fileId: ch.repeat(64), name, tokens });

describe('buildUpstreamRequest with documents', () => {
  it('puts a message’s files, whole and named, before its text', () => {
    const req = buildUpstreamRequest(
      [{ id: 'u1', role: 'user', content: 'Compare them', documents: [doc('a', 'a.pdf'), doc('b', 'b.docx')] }],
      {},
      config,
      { texts: lookup },
    );
    const content = req.messages[0]!.content as string;
    expect(parseDocuments(content)).toEqual({
      documents: [
        { name: 'a.pdf', text: 'Alpha document.\nSecond line.' },
        { name: 'b.docx', text: 'Beta document.' },
      ],
      rest: 'Compare them',
    });
    expect(content.endsWith('Compare them')).toBe(true);
  });

  it('sends a message of files only', () => {
    const req = buildUpstreamRequest([{ role: 'user', content: '', documents: [doc('b', 'b.docx')] }], {}, config, { texts: lookup });
    expect(req.messages).toHaveLength(1);
    expect(req.messages[0]!.content).toBe('<document name="b.docx">\nBeta document.\n</document>');
  });

  it('opens the system prompt with the project’s files, then its instructions, then the conversation’s own prompt', () => {
    const req = buildUpstreamRequest([{ role: 'user', content: 'Hi' }], { systemPrompt: 'Be brief.' }, config, {
      project: { instructions: 'You help the Falcon team.', documents: [doc('c', 'charter.md')] },
      texts: lookup,
    });
    expect(req.system).toBe('<document name="charter.md">\nProject charter.\n</document>\n\nYou help the Falcon team.\n\nBe brief.');
  });

  it('gives two chats of one project the same system prompt, so the prompt cache can serve it', () => {
    const project = { instructions: 'Same.', documents: [doc('c', 'charter.md'), doc('a', 'a.pdf')] };
    const one = buildUpstreamRequest([{ role: 'user', content: 'First chat' }], {}, config, { project, texts: lookup });
    const two = buildUpstreamRequest(
      [
        { role: 'user', content: 'Other chat' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'more' },
      ],
      {},
      config,
      { project, texts: lookup },
    );
    expect(one.system).toBe(two.system);
  });

  it('counts documents in the context, and leaves out old turns (never the new message’s files) to fit', () => {
    const history = [
      { id: 'u1', role: 'user' as const, content: 'old question', documents: [doc('a', 'a.pdf', 600)] },
      { id: 'a1', role: 'assistant' as const, content: 'old answer' },
      { id: 'u2', role: 'user' as const, content: 'new question', documents: [doc('b', 'b.docx', 500)] },
    ];
    const req = buildUpstreamRequest(history, {}, small, { texts: lookup });
    expect(req.omitted).toBe(2);
    expect(req.messages).toHaveLength(1);
    expect(req.tokens).toBeGreaterThanOrEqual(500 + documentTokens([doc('b', 'b.docx', 0)]));
    expect(req.messages[0]!.content).toContain('Beta document.');
  });

  it('estimates without reading any text when no lookup is given (the context gauge)', () => {
    const req = buildUpstreamRequest([{ role: 'user', content: 'x', documents: [doc('a', 'a.pdf', 1234)] }], {}, config);
    expect(req.tokens).toBeGreaterThan(1234);
  });
});
