import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';

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
 * a ResponseError. Every message starts with the status line.
 * @public
 */
export async function kubernetesResponseError(
  response: Response,
): Promise<Error> {
  const text = await response
    .clone()
    .text()
    .catch(() => '');
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
      const error = await ResponseError.fromResponse(response);
      if (reason && !error.message.includes(reason)) {
        error.message = `${error.message}: ${reason}`;
      }
      return error;
    }
  }
}
