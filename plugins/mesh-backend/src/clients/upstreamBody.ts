/**
 * The most bytes Meshlens reads from one upstream answer unless configured
 * (`mesh.maxResponseBytes`). A Prometheus result for a whole fleet is a few
 * MB; past this is a broken or hostile upstream, and reading it would cost
 * the backend its memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Reads a response body as JSON, refusing more than `maxBytes`. */
export async function readCappedJson(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<unknown> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    discard(response);
    throw new Error(tooLarge(what, maxBytes));
  }
  const text = await readCappedText(response, maxBytes, what);
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

async function readCappedText(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a hostile upstream may never acknowledge the cancel.
      reader.cancel().catch(() => undefined);
      throw new Error(tooLarge(what, maxBytes));
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(what: string, maxBytes: number) {
  return `${what} answered more than ${maxBytes} bytes; the answer was dropped`;
}

/** Drops a body unread, without waiting for the upstream to agree. */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
