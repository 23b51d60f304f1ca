import { ResponseError } from '@backstage/errors';

/** The backend's own explanation when there is one, not just "Request failed with 404". */
export function describeError(error: Error): string {
  if (error instanceof ResponseError || error.name === 'ResponseError') {
    const body = (error as ResponseError).body;
    const message = body?.error?.message;
    if (message) return `${message} (HTTP ${body.response?.statusCode ?? '?'})`;
  }
  return error.message;
}
