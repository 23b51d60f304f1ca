/**
 * Reading upstream answers (Kubernetes, Prometheus) without trusting their
 * size: a broken or hostile upstream can send a body of any length, and
 * reading it whole would cost the backend its memory. Each reader stops
 * downloading at its cap and cancels the rest.
 */

/**
 * How much of an answer to read, and how to name it when it is too much.
 * @public
 */
export interface CappedReadOptions {
  /** The most bytes read; past it the download stops. */
  maxBytes: number;
  /** Who answered, for the error, e.g. `Kubernetes cluster prod (GET /api/v1/pods)`. */
  what: string;
  /** The configuration key that raises the cap, named in the error. */
  setting?: string;
  /**
   * Ends the read when aborted (e.g. the request's timeout), also when the
   * body stalls after its headers, whatever the fetch implementation.
   */
  signal?: AbortSignal;
}

/**
 * Reads a response body as JSON, refusing more than `maxBytes`. A declared
 * or streamed body over the cap stops the download and throws an Error
 * that names `what` (and `setting`); malformed JSON throws an Error that
 * quotes its start.
 * @public
 */
export async function readCappedJson(
  response: Response,
  options: CappedReadOptions,
): Promise<unknown> {
  const { what } = options;
  const text = await readCappedText(response, options);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${what} answered malformed JSON (${
        (e as Error).message
      }), starting ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
}

/**
 * Reads a response body as text, refusing more than `maxBytes` (see
 * {@link readCappedJson}).
 * @public
 */
export async function readCappedText(
  response: Response,
  options: CappedReadOptions,
): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > options.maxBytes) {
    discardBody(response);
    throw new Error(tooLarge(options));
  }
  let read: { text: string; complete: boolean };
  try {
    read = await readUpTo(response, options.maxBytes, options.signal);
  } catch (e) {
    if (options.signal?.aborted) throw e;
    // The connection dropped mid-body: say whose answer broke off.
    throw new Error(
      `${options.what} broke off its answer: ${(e as Error)?.message ?? e}`,
    );
  }
  if (!read.complete) throw new Error(tooLarge(options));
  return read.text;
}

/**
 * The first `maxBytes` of a body, the rest dropped unread: for error
 * bodies, whose start says what went wrong.
 * @public
 */
export async function readBodyStart(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> {
  return (await readUpTo(response, maxBytes, signal)).text;
}

/**
 * Drops a body unread, without waiting for the upstream to agree.
 * @public
 */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

async function readUpTo(
  response: Response,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ text: string; complete: boolean }> {
  if (!response.body) return { text: '', complete: true };
  signal?.throwIfAborted();
  const reader = response.body.getReader();
  // Cancelling ends a pending read (done), even one the upstream stalls.
  const onAbort = () => reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await readChunks(reader, maxBytes, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ text: string; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    signal?.throwIfAborted();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      // Not awaited: a hostile upstream may never acknowledge the cancel.
      reader.cancel().catch(() => undefined);
      return { text: Buffer.concat(chunks).toString('utf8'), complete: false };
    }
    size += value.byteLength;
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

function tooLarge({ what, maxBytes, setting }: CappedReadOptions) {
  return `${what} answered more than ${maxBytes} bytes; the answer was dropped${
    setting ? ` (raise ${setting} if such answers are expected)` : ''
  }`;
}
