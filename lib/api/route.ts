import 'server-only';
import { errorResponse } from './errors';

type RouteContext<P> = { params: Promise<P> };

/**
 * Wraps a route handler so every failure, expected or not, leaves as `{ error: { code, message } }`
 * with the status its ApiError code maps to.
 */
export function apiRoute<P = Record<string, never>>(
  handler: (request: Request, params: P) => Promise<Response> | Response,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      return await handler(request, await context.params);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
