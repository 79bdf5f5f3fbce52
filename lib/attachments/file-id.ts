import { z } from 'zod';

/** A stored file's id: the SHA-256 of its bytes, in hex. */
export const fileIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a file id returned by POST /api/files');
