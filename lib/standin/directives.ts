/**
 * Scripting directives: tests steer the stand-in by writing `[[name=value]]` or
 * `[[name]]` in the last user message. Going through the message (rather than
 * headers or extra body fields) means a test can drive any failure mode through
 * the real app, from the browser, without the app knowing about the stand-in.
 */

export interface Directives {
  /** `[[delay=MS]]` pause before each streamed content chunk. */
  delayMs?: number;
  /** `[[ttfb=MS]]` pause before the response headers are sent. */
  ttfbMs?: number;
  /** `[[status=CODE]]` answer with this HTTP error status (400–599) and an OpenAI-style error body. */
  status?: number;
  /** `[[retry-after=S]]` add a `retry-after` header (seconds) to an error response. */
  retryAfterSeconds?: number;
  /** `[[cut=N]]` drop the connection after N content chunks. Bare `[[cut]]` means 3. */
  cutAfter?: number;
  /** `[[malformed=N]]` send `data: {not json` after N content chunks, then close. Bare means 3. */
  malformedAfter?: number;
  /** `[[tokens=N]]` reply with exactly N lorem-ipsum tokens. */
  tokens?: number;
  /** `[[reply=TEXT]]` reply exactly TEXT (percent-decoded). */
  reply?: string;
  /** `[[gate=NAME]]` hold the stream after a few content chunks until gate NAME is opened (see gates.ts). */
  gate?: string;
  /**
   * `[[once]]` the failure directives (status, cut, malformed, ttfb) apply only the first time the
   * stand-in sees this message, so a test can fail a reply and then see Retry succeed.
   */
  once?: boolean;
}

export interface ParsedDirectives {
  directives: Directives;
  /** The message with every directive removed, trimmed. */
  text: string;
  /** Directive names that were unknown or had an unusable value (for debugging; otherwise ignored). */
  ignored: string[];
}

type IntegerKey = Exclude<keyof Directives, 'reply' | 'once' | 'gate'>;

interface IntegerSpec {
  key: IntegerKey;
  /** Values above this are clamped, so a typo can't stall a test for hours. */
  max: number;
  /** Value used for the bare form `[[name]]`; without it the bare form is ignored. */
  bare?: number;
}

const INTEGER_DIRECTIVES: Readonly<Record<string, IntegerSpec>> = {
  delay: { key: 'delayMs', max: 60_000 },
  ttfb: { key: 'ttfbMs', max: 60_000 },
  'retry-after': { key: 'retryAfterSeconds', max: 86_400 },
  cut: { key: 'cutAfter', max: 1_000_000, bare: 3 },
  malformed: { key: 'malformedAfter', max: 1_000_000, bare: 3 },
  tokens: { key: 'tokens', max: 200_000 },
};

// The value is matched lazily up to the first `]]`, so anything else (spaces, `=`,
// a single `]`) may appear raw; `]]` itself must be percent-encoded. Leading blanks
// are eaten with the directive so "hi [[x]] there" becomes "hi there".
const DIRECTIVE = /[ \t]*\[\[([a-z][a-z0-9-]*)(?:=([\s\S]*?))?\]\]/gi;

function parseInteger(raw: string): number | undefined {
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // A stray `%` (e.g. "100%") isn't valid percent-encoding; take the text as written.
    return raw;
  }
}

/** Extract directives from a message. Later occurrences of the same directive win. */
export function parseDirectives(message: string): ParsedDirectives {
  const directives: Directives = {};
  const ignored: string[] = [];

  const text = message.replace(DIRECTIVE, (_match, rawName: string, rawValue: string | undefined) => {
    const name = rawName.toLowerCase();

    if (name === 'reply') {
      if (rawValue === undefined) ignored.push(name);
      else directives.reply = decode(rawValue);
      return '';
    }

    if (name === 'gate') {
      if (rawValue === undefined || !rawValue.trim()) ignored.push(name);
      else directives.gate = rawValue.trim();
      return '';
    }

    if (name === 'once') {
      directives.once = true;
      return '';
    }

    if (name === 'status') {
      const code = rawValue === undefined ? 500 : parseInteger(rawValue);
      // Only error statuses make sense: a scripted 200 would just be a normal answer.
      if (code !== undefined && code >= 400 && code <= 599) directives.status = code;
      else ignored.push(name);
      return '';
    }

    const spec = INTEGER_DIRECTIVES[name];
    if (spec === undefined) {
      ignored.push(name);
      return '';
    }
    const value = rawValue === undefined ? spec.bare : parseInteger(rawValue);
    if (value === undefined) ignored.push(name);
    else directives[spec.key] = Math.min(value, spec.max);
    return '';
  });

  return { directives, text: text.trim(), ignored };
}
