/**
 * Bulk seeding of a throwaway database, for benchmarks and for trying the UI with a large history.
 *
 *   npx tsx db/seed.ts /tmp/big.db [conversations=10000] [messages=1000000] [longConversation=2000]
 *
 * The data looks like what the app writes (see beginTurn in db/messages.ts): every conversation is a
 * tree of messages linked through parent_id, alternating user → assistant along the active branch,
 * with current_leaf_id at the tip and updated_at = the time of the last user message. Some replies
 * were regenerated, so their older version is kept as a sibling off the active branch. Text lengths
 * are realistic (user 20–400 characters, assistant 200–3,000, markdown-ish), and everything comes
 * from a seeded PRNG: the same options give the same database.
 *
 * Rows are inserted in creation order across all conversations, as the app would have written them
 * over the year, so one conversation's messages are spread through the table like real ones. Ids
 * ascend with time (like UUIDv7 or ULIDs; the app itself mints random UUIDs).
 *
 * Speed (1,002,000 messages, ~640 M characters, 1 GB file: ~8 s on 2 cores): the file is a scratch
 * database, so durability is off while seeding (journal_mode=OFF, synchronous=OFF, a 512 MB page
 * cache, no foreign-key checks), rows go in through prepared statements in transactions of 5,000,
 * texts are slices of a pre-built corpus, and ascending ids make every index insert an append.
 * With random UUIDs instead the same load took 33 s: each of the three text indexes splits pages
 * at random.
 * Do not point this at a database you care about: it is meant for new files.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface SeedOptions {
  /** Ordinary conversations, with sizes drawn from a long-tailed distribution. */
  conversations: number;
  /** Messages across those ordinary conversations (at least 2 per conversation). */
  messages: number;
  /** Conversations with an exact number of messages (e.g. one of 2,000), added on top. Even sizes give a linear thread. */
  exact?: { count: number; messages: number }[];
  /** PRNG seed (default 1). */
  seed?: number;
  /** The newest message is at most this recent (default Date.now()); history spreads over the year before. */
  now?: number;
  /** Rows per transaction (default 5,000). */
  batchRows?: number;
  /** Share of conversations written in Chinese (default 0.01), so the trigram search index has content. */
  cjkShare?: number;
  /** Conversations pinned (default 5). */
  pinned?: number;
  /**
   * Fill the search indexes in bulk after loading instead of through the per-row triggers (default
   * true; the result is the same, see db/seed.test.ts).
   */
  bulkIndex?: boolean;
  /** Delete the file first if it exists (default true). */
  fresh?: boolean;
  migrationsFolder?: string;
  onProgress?: (messagesWritten: number) => void;
}

export interface SeedResult {
  path: string;
  conversations: number;
  messages: number;
  /** Ids of the `exact` conversations, in the order given. */
  exactIds: string[][];
  /** Sum of message text lengths, in characters. */
  characters: number;
  ms: number;
  /** Where the time went: generating the rows, inserting them, filling the search indexes. */
  phases: { generateMs: number; insertMs: number; indexMs: number };
}

const DAY = 86_400_000;

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The most frequent words, in rank order (function words first, then the topics of a dev chat). */
const COMMON_WORDS = (
  'the a to of and in is it that for you this with on be as are can use your if not or by from an at ' +
  'function value request server client database message stream token model reply query index table ' +
  'component render state cache error response latency memory thread branch cursor page sidebar chat ' +
  'markdown code example question answer simple faster better because however instead usually often ' +
  'configure install deploy return string number array object promise async await import export type ' +
  'sqlite transaction prepared statement column row migration schema network browser layout scroll'
).split(' ');

const VOCABULARY_SIZE = 20_000;
let vocabulary: { words: string[]; cumulative: Float64Array } | undefined;

/**
 * The words of the seeded text by frequency rank: the common words above, then pronounceable
 * made-up ones, drawn with a Zipf distribution (as in real text: a few words everywhere, most
 * words rare), so a search for a word finds a realistic share of the messages. Fixed: it does
 * not depend on the seed.
 */
export function seedVocabulary(): { words: string[]; cumulative: Float64Array } {
  if (vocabulary) return vocabulary;
  const random = prng(0x5eed);
  const onsets = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr', 'pl', 'qu'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'io'];
  const codas = ['', '', 'n', 'r', 's', 'l', 'x', 'nt'];
  const seen = new Set(COMMON_WORDS);
  const words = [...COMMON_WORDS];
  while (words.length < VOCABULARY_SIZE) {
    let w = '';
    const syllables = 2 + Math.floor(random() * 3);
    for (let i = 0; i < syllables; i++) w += onsets[Math.floor(random() * onsets.length)]! + vowels[Math.floor(random() * vowels.length)]!;
    w += codas[Math.floor(random() * codas.length)]!;
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const cumulative = new Float64Array(words.length);
  let sum = 0;
  for (let r = 0; r < words.length; r++) cumulative[r] = sum += 1 / (r + 1) ** 1.05;
  for (let r = 0; r < words.length; r++) cumulative[r] = cumulative[r]! / sum;
  return (vocabulary = { words, cumulative });
}

function zipfWord(random: () => number): string {
  const { words, cumulative } = seedVocabulary();
  const x = random();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return words[lo]!;
}

/**
 * A few MB of markdown-ish prose (paragraphs, lists, headings, inline and fenced code, tables),
 * from which messages are cut at random offsets: much faster than composing 1M texts word by word.
 */
function buildCorpus(random: () => number, size: number): string {
  const word = (): string => zipfWord(random);
  const sentence = (): string => {
    const n = 6 + Math.floor(random() * 14);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const w = word();
      const r = random();
      parts.push(r < 0.04 ? `**${w}**` : r < 0.08 ? `\`${w}()\`` : r < 0.1 ? `*${w}*` : w);
    }
    const s = parts.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1) + (random() < 0.1 ? '?' : '.');
  };
  const blocks: string[] = [];
  let length = 0;
  while (length < size) {
    const r = random();
    let block: string;
    if (r < 0.5) {
      block = Array.from({ length: 2 + Math.floor(random() * 4) }, sentence).join(' ');
    } else if (r < 0.65) {
      block = Array.from({ length: 2 + Math.floor(random() * 4) }, (_, i) => (random() < 0.5 ? `${i + 1}. ` : '- ') + sentence()).join('\n');
    } else if (r < 0.75) {
      block = `${'#'.repeat(2 + Math.floor(random() * 2))} ${word()} ${word()} ${word()}`;
    } else if (r < 0.88) {
      const lines = Array.from({ length: 2 + Math.floor(random() * 6) }, () => `  const ${word()} = ${word()}(${word()}, ${Math.floor(random() * 100)});`);
      block = ['```ts', `function ${word()}() {`, ...lines, '}', '```'].join('\n');
    } else if (r < 0.95) {
      const rows = Array.from({ length: 2 + Math.floor(random() * 4) }, () => `| ${word()} | ${Math.floor(random() * 1000)} | ${word()} ${word()} |`);
      block = ['| Name | Value | Notes |', '| :-- | --: | :-- |', ...rows].join('\n');
    } else {
      block = `> ${sentence()}`;
    }
    blocks.push(block);
    length += block.length + 2;
  }
  return blocks.join('\n\n');
}

const CJK_WORDS = (
  '我们 你 这个 问题 可以 使用 数据库 服务器 模型 回答 代码 函数 请求 响应 流式 输出 速度 内存 缓存 ' +
  '查询 索引 页面 组件 渲染 用户 消息 对话 历史 搜索 设置 部署 测试 性能 延迟 网络 浏览器 文件 ' +
  '例如 因为 所以 但是 如果 然后 已经 需要 应该 非常 简单 快速 更好 通常 一个 两个 重要 方法'
).split(' ');

/** Chinese text (sentences of common technical words), for conversations held in Chinese. */
function buildCjkCorpus(random: () => number, size: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const n = 4 + Math.floor(random() * 12);
    let sentence = '';
    for (let i = 0; i < n; i++) sentence += CJK_WORDS[Math.floor(random() * CJK_WORDS.length)]!;
    sentence += random() < 0.15 ? '？' : '。';
    if (random() < 0.1) sentence += '\n\n';
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join('');
}

/** Long-tailed length in [min, max]: most messages short, a few near the maximum. */
function skewedLength(random: () => number, min: number, max: number): number {
  const r = random();
  return min + Math.floor((max - min) * r * r);
}

/** Splits `total` into `n` integers ≥ 2 with a long tail (a few long threads, many short ones). */
function conversationSizes(random: () => number, n: number, total: number): number[] {
  if (n === 0) return [];
  if (total < 2 * n) throw new Error(`seed: ${total} messages are too few for ${n} conversations (2 each at least)`);
  const weights = Array.from({ length: n }, () => Math.exp(1.2 * gaussian(random)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - 2 * n;
  const sizes = weights.map((w) => 2 + Math.floor((spare * w) / sum));
  let left = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % n, left--) sizes[i]! += 1;
  return sizes;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * The search indexes are kept in sync by AFTER INSERT triggers on messages (migration 0002). Row by
 * row they dominate a bulk load: the trigram trigger's GLOB over a character class costs ~100 ns
 * per character of every message, ~65 s for the 640 M characters of the 1M-message history, for
 * no rows at all when the text isn't Chinese/Japanese/Korean/Thai. So during the load the triggers
 * are dropped; afterwards each INSERT they would have run is run once over the whole table
 * (`new.x` → `x … FROM messages`, the same statements the migration uses to backfill), with a cheap
 * "has a non-ASCII character" test in front of a GLOB whose class holds only non-ASCII characters
 * (it can only match such text), and the triggers are recreated from their stored SQL.
 * A trigger this can't rewrite is simply left in place (correct, just slower).
 */
function suspendInsertTriggers(sqlite: Database.Database, table: string): { restore(): void } {
  const triggers = sqlite
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`)
    .all(table) as { name: string; sql: string }[];
  const rewritten: { name: string; sql: string; bulk: string[] }[] = [];
  for (const trigger of triggers) {
    const head = new RegExp(`\\bAFTER\\s+INSERT\\s+ON\\s+[\`"]?${table}[\`"]?\\s+BEGIN\\b([\\s\\S]*)\\bEND\\s*;?\\s*$`, 'i').exec(trigger.sql);
    if (!head) continue;
    const bulk: string[] = [];
    for (const statement of head[1]!.split(';').map((x) => x.trim()).filter(Boolean)) {
      const m = /^INSERT\s+INTO\s+([\w`"]+)\s*\(([^)]*)\)\s+SELECT\s+([\s\S]+?)\s+WHERE\s+([\s\S]+)$/i.exec(statement);
      if (!m || /\bold\./i.test(statement) || /\bFROM\b/i.test(m[3]!)) {
        bulk.length = 0;
        break;
      }
      const columns = m[3]!.replace(/\bnew\./gi, '');
      let where = m[4]!.replace(/\bnew\./gi, '');
      const glob = /\bcontent\s+GLOB\s+'\*\[([^\]']+)\]\*'/i.exec(where);
      const outsideLiterals = where.replace(/'[^']*'/g, "''");
      if (glob && !/\bOR\b|\(/i.test(outsideLiterals) && [...glob[1]!.replaceAll('-', '')].every((ch) => ch.codePointAt(0)! > 0x7f)) {
        where = `length(CAST(content AS BLOB)) <> length(content) AND ${where}`;
      }
      bulk.push(`INSERT INTO ${m[1]}(${m[2]}) SELECT ${columns} FROM ${table} WHERE ${where}`);
    }
    if (bulk.length) rewritten.push({ ...trigger, bulk });
  }
  for (const t of rewritten) sqlite.exec(`DROP TRIGGER "${t.name.replaceAll('"', '""')}"`);
  return {
    restore() {
      sqlite.transaction(() => {
        for (const t of rewritten) for (const statement of t.bulk) sqlite.exec(statement);
        for (const t of rewritten) sqlite.exec(t.sql);
      })();
    },
  };
}

const ROLE_USER = 0;
const ROLE_ASSISTANT = 1;
const STATUSES = ['complete', 'stopped', 'error'] as const;
const ERROR_TEXT = 'The model service is not responding right now. Try again in a moment.';

export function seedDatabase(path: string, options: SeedOptions): SeedResult {
  const started = performance.now();
  const random = prng(options.seed ?? 1);
  const now = options.now ?? Date.now();
  const batchRows = options.batchRows ?? 5_000;
  const file = resolve(path);
  if (options.fresh ?? true) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) if (existsSync(file + suffix)) rmSync(file + suffix);
  }
  mkdirSync(dirname(file), { recursive: true });

  const latin = buildCorpus(random, 4_000_000);
  const cjk = buildCjkCorpus(random, 400_000);
  // One string: Latin text first, then Chinese from `cjkStart` on.
  const corpus = `${latin}\n\n${cjk}`;
  const cjkStart = latin.length + 2;
  const cjkShare = options.cjkShare ?? 0.01;

  // 1. Plan every conversation: its size, and whether it is one of the `exact` ones.
  const sizes = conversationSizes(random, options.conversations, options.messages);
  const exact = options.exact ?? [];
  const plan: { size: number; exactGroup: number }[] = sizes.map((size) => ({ size, exactGroup: -1 }));
  exact.forEach((group, g) => {
    for (let i = 0; i < group.count; i++) plan.push({ size: group.messages, exactGroup: g });
  });
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  const total = plan.reduce((n, p) => n + p.size, 0);

  // 2. Generate all messages into flat typed arrays (text as offset + length into the corpus).
  const conv = new Int32Array(total);
  const parent = new Int32Array(total);
  const role = new Uint8Array(total);
  const status = new Uint8Array(total);
  const textAt = new Int32Array(total);
  const textLength = new Int32Array(total);
  const createdAt = new Float64Array(total);
  const updatedAt = new Float64Array(total);
  const promptTokens = new Int32Array(total);
  const convCreated = new Float64Array(plan.length);
  const convUpdated = new Float64Array(plan.length);
  const convLeaf = new Int32Array(plan.length);
  const convFirstUser = new Int32Array(plan.length);
  let characters = 0;
  let k = 0;
  let chinese = false;
  const addMessage = (c: number, p: number, r: number, length: number, at: number): number => {
    conv[k] = c;
    parent[k] = p;
    role[k] = r;
    if (chinese) {
      // Chinese packs more into a character: about a third as many for the same message.
      length = Math.max(8, Math.floor(length / 3));
      textAt[k] = cjkStart + Math.floor(random() * (cjk.length - length));
    } else {
      // Start on a word.
      textAt[k] = latin.indexOf(' ', Math.floor(random() * (latin.length - length - 200))) + 1;
    }
    textLength[k] = length;
    createdAt[k] = at;
    updatedAt[k] = r === ROLE_USER ? at : at + 2_000 + Math.floor(random() * 20_000);
    characters += length;
    return k++;
  };
  for (let c = 0; c < plan.length; c++) {
    const { size } = plan[c]!;
    const first = k;
    chinese = random() < cjkShare;
    // An odd size means one reply was regenerated: its first version stays as a sibling.
    const pairs = Math.floor(size / 2);
    const branchAt = size % 2 === 1 ? Math.floor(random() * pairs) : -1;
    // Relative times first; the whole conversation is then placed somewhere in the past year.
    let t = 0;
    let previous = -1;
    let lastUserAt = 0;
    let promptChars = 0;
    for (let pair = 0; pair < pairs; pair++) {
      const user = addMessage(c, previous, ROLE_USER, skewedLength(random, 20, 400), t);
      lastUserAt = t;
      promptChars += textLength[user]!;
      if (pair === branchAt) {
        const old = addMessage(c, user, ROLE_ASSISTANT, skewedLength(random, 200, 3_000), t + 1);
        promptTokens[old] = Math.ceil(promptChars / 4);
        t += 30_000;
      }
      const reply = addMessage(c, user, ROLE_ASSISTANT, skewedLength(random, 200, 3_000), t + 1);
      const r = random();
      status[reply] = r < 0.01 ? 1 : r < 0.015 ? 2 : 0;
      promptTokens[reply] = Math.ceil(promptChars / 4);
      promptChars += textLength[reply]!;
      previous = reply;
      // Mostly a reply within minutes; sometimes the conversation is picked up again days later.
      t += random() < 0.03 ? Math.floor(random() * 20 * DAY) : 30_000 + Math.floor(random() * 600_000);
    }
    const span = t;
    const start = now - DAY - span - Math.floor(random() * Math.max(0, 364 * DAY - span));
    for (let i = first; i < k; i++) {
      createdAt[i] = createdAt[i]! + start;
      updatedAt[i] = updatedAt[i]! + start;
    }
    convCreated[c] = start;
    convUpdated[c] = start + lastUserAt;
    convLeaf[c] = previous;
    convFirstUser[c] = first;
  }

  // 3. Rows go in in creation order, as the app would have written them over the year: the messages
  //    of one conversation end up spread through the table like real ones. Ids ascend with time
  //    (like UUIDv7 or ULIDs), which keeps index inserts appends.
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => createdAt[a]! - createdAt[b]! || a - b);
  const rank = new Uint32Array(total);
  for (let i = 0; i < total; i++) rank[order[i]!] = i;
  const runTag = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  const messageId = (i: number): string => `m${runTag}${rank[i]!.toString(36).padStart(8, '0')}`;
  const conversationOrder = Array.from(plan.keys()).sort((a, b) => convCreated[a]! - convCreated[b]! || a - b);
  const conversationRank = new Uint32Array(plan.length);
  conversationOrder.forEach((c, i) => (conversationRank[c] = i));
  const conversationId = (c: number): string => `c${runTag}${conversationRank[c]!.toString(36).padStart(8, '0')}`;
  const text = (i: number): string => corpus.slice(textAt[i]!, textAt[i]! + textLength[i]!);

  const generated = performance.now();
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -524288'); // 512 MB
  sqlite.pragma('temp_store = MEMORY');
  migrate(drizzle({ client: sqlite }), { migrationsFolder: options.migrationsFolder ?? join(process.cwd(), 'db', 'migrations') });

  const triggers = (options.bulkIndex ?? true) ? suspendInsertTriggers(sqlite, 'messages') : undefined;

  const insertConversation = sqlite.prepare(
    'INSERT INTO conversations (id, title, created_at, updated_at, current_leaf_id, pinned_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertMessage = sqlite.prepare(
    `INSERT INTO messages (id, conversation_id, parent_id, role, content, status, error, model,
       prompt_tokens, completion_tokens, cached_tokens, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const exactIds: string[][] = exact.map(() => []);
  const pinned = new Set<number>();
  while (pinned.size < Math.min(options.pinned ?? 5, plan.length)) pinned.add(Math.floor(random() * plan.length));
  sqlite.transaction(() => {
    for (const c of conversationOrder) {
      const title = text(convFirstUser[c]!).replace(/[#*`|>]/g, '').replace(/\s+/g, ' ').trim().slice(0, 60) || 'New chat';
      const pinnedAt = pinned.has(c) ? convUpdated[c]! + 60_000 : null;
      insertConversation.run(conversationId(c), title, convCreated[c], convUpdated[c], messageId(convLeaf[c]!), pinnedAt);
      const group = plan[c]!.exactGroup;
      if (group >= 0) exactIds[group]!.push(conversationId(c));
    }
  })();

  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const i = order[n]!;
      const content = text(i);
      if (role[i] === ROLE_USER) {
        insertMessage.run(messageId(i), conversationId(conv[i]!), parent[i]! < 0 ? null : messageId(parent[i]!), 'user', content,
          'complete', null, null, null, null, null, createdAt[i], updatedAt[i]);
      } else {
        const state = STATUSES[status[i]!]!;
        const prompt = promptTokens[i]!;
        insertMessage.run(messageId(i), conversationId(conv[i]!), messageId(parent[i]!), 'assistant', content,
          state, state === 'error' ? ERROR_TEXT : null, 'qwen-turbo',
          prompt, Math.ceil(content.length / 4), Math.floor(prompt / 64) * 64, createdAt[i], updatedAt[i]);
      }
    }
  });
  for (let from = 0; from < total; from += batchRows) {
    const to = Math.min(total, from + batchRows);
    insertBatch(from, to);
    options.onProgress?.(to);
  }
  const inserted = performance.now();
  triggers?.restore();
  sqlite.close();
  const indexed = performance.now();

  return {
    path: file,
    conversations: plan.length,
    messages: total,
    exactIds,
    characters,
    ms: indexed - started,
    phases: { generateMs: generated - started, insertMs: inserted - generated, indexMs: indexed - inserted },
  };
}

/** How many messages a word-index query matches (to describe benchmark queries). */
export function countSearchMatches(path: string, ftsQuery: string, index: 'messages_fts' | 'messages_trigram' = 'messages_fts'): number {
  const sqlite = new Database(path, { readonly: true });
  try {
    const row = sqlite.prepare(`SELECT count(*) AS n FROM ${index} WHERE ${index} MATCH ?`).get(ftsQuery) as { n: number };
    return row.n;
  } finally {
    sqlite.close();
  }
}

// `tsx db/seed.ts FILE [conversations] [messages] [longConversation]`
if (process.argv[1] && /[\\/]db[\\/]seed\.ts$/.test(process.argv[1])) {
  const [file, conversations = '10000', messages = '1000000', long = '2000'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx db/seed.ts FILE [conversations=10000] [messages=1000000] [longConversation=2000]');
    process.exit(2);
  }
  const result = seedDatabase(file, {
    conversations: Number(conversations),
    messages: Number(messages),
    exact: Number(long) > 0 ? [{ count: 1, messages: Number(long) }] : [],
    onProgress: (n) => process.stderr.write(`\r${n.toLocaleString('en')} messages`),
  });
  process.stderr.write('\n');
  console.log(
    `${result.path}: ${result.conversations.toLocaleString('en')} conversations, ${result.messages.toLocaleString('en')} messages, ` +
      `${(result.characters / 1e6).toFixed(0)} M characters in ${(result.ms / 1000).toFixed(1)} s ` +
      `(generate ${(result.phases.generateMs / 1000).toFixed(1)} s, insert ${(result.phases.insertMs / 1000).toFixed(1)} s, ` +
      `search index ${(result.phases.indexMs / 1000).toFixed(1)} s)` +
      (result.exactIds[0]?.[0] ? `; long conversation ${result.exactIds[0][0]}` : ''),
  );
}
