import { ApiError, errorResponse } from '@/lib/api/errors';

/** Any /api path no route handles: a JSON 404 like every other API error, not the HTML page. */
function notFound(): Response {
  return errorResponse(new ApiError('not_found', 'No such API endpoint.'));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
