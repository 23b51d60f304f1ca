import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { readBodyStart } from '../upstreamBody';

/** Enough of an error body for its reason; the rest is never downloaded. */
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * A Kubernetes call that did not answer within its timeout. Named
 * `TimeoutError` like the platform's own, so callers that report "timed
 * out" keep doing so.
 * @public
 */
export class KubernetesTimeoutError extends CustomErrorBase {
  name = 'TimeoutError' as const;
}

/**
 * The reason in an error body: a Kubernetes `Status` (from the API server)
 * or a Backstage error (from the Kubernetes backend's proxy itself).
 */
function reasonOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text);
    if (body?.kind === 'Status' && typeof body.message === 'string') {
      return body.message || undefined;
    }
    if (typeof body?.error?.message === 'string') {
      return body.error.message || undefined;
    }
  } catch {
    // Not JSON: a proxy or load balancer page; the status line says enough.
  }
  return undefined;
}

/**
 * The `@backstage/errors` error for a failed Kubernetes response, with the
 * server's message, which says what to fix (a conflict with another field
 * manager, a forbidden verb, an invalid field): 404 NotFoundError, 409
 * ConflictError, 403 NotAllowedError, 400 and 422 InputError, anything else
 * a ResponseError. Every message starts with the status line. Consumes
 * the body, of which it reads the first 64 KiB only.
 * @public
 */
export async function kubernetesResponseError(
  response: Response,
  signal?: AbortSignal,
): Promise<Error> {
  const text = await readBodyStart(response, ERROR_BODY_BYTES, signal).catch(
    () => '',
  );
  const reason = reasonOf(text);
  const statusLine = `Request failed with ${response.status} ${response.statusText}`;
  const message = reason ? `${statusLine}: ${reason}` : statusLine;
  switch (response.status) {
    case 400:
    case 422:
      return new InputError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default: {
      // The body is read (its start only); ResponseError reads a copy.
      const error = await ResponseError.fromResponse(
        new Response(text, {
          status: response.status,
          statusText: response.statusText,
          headers: {
            'Content-Type': response.headers.get('content-type') ?? '',
          },
        }),
      );
      if (reason && !error.message.includes(reason)) {
        error.message = `${error.message}: ${reason}`;
      }
      return error;
    }
  }
}
