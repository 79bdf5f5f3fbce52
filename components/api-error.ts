/** The message of an `{ error: { code, message } }` response, or a fallback naming the status. */
export async function readApiError(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON: fall through
  }
  return `the server answered HTTP ${res.status}`;
}

/** The AI SDK transport puts a failed response's body text in the error message; recover ours from it. */
export function friendlyChatError(error: Error): string {
  try {
    const body = JSON.parse(error.message) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // a plain message (e.g. the errorText of a stream error chunk)
  }
  if (/failed to fetch|networkerror|load failed/i.test(error.message)) {
    return 'Could not reach the server. Check your connection and try again.';
  }
  return error.message || 'Something went wrong.';
}
