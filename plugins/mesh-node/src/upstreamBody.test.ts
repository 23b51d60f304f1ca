import {
  discardBody,
  readBodyStart,
  readCappedJson,
  readCappedText,
} from './upstreamBody';

const MB = 1024 * 1024;

/** A body of 1 MB chunks that never ends, counting what was pulled. */
function endlessBody(prefix = '{"items":[') {
  const stats = { pulled: 0, cancelled: false };
  const chunk = new Uint8Array(MB).fill(0x20);
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      stats.pulled++;
      controller.enqueue(first ? new TextEncoder().encode(prefix) : chunk);
      first = false;
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { response: new Response(body), stats };
}

describe('readCappedJson', () => {
  it('parses an answer within the cap', async () => {
    const response = new Response(JSON.stringify({ items: [1, 2] }));
    await expect(
      readCappedJson(response, { maxBytes: 1024, what: 'Test API' }),
    ).resolves.toEqual({
      items: [1, 2],
    });
  });

  it('stops downloading an endless body at the cap, naming the source and the setting', async () => {
    const { response, stats } = endlessBody();
    await expect(
      readCappedJson(response, {
        maxBytes: 4 * MB,
        what: 'Kubernetes cluster homelab',
        setting: 'x.max',
      }),
    ).rejects.toThrow(
      'Kubernetes cluster homelab answered more than 4194304 bytes; the answer was dropped (raise x.max if such answers are expected)',
    );
    // The prefix and four chunks fit; the fifth went over, nothing more was read.
    expect(stats.pulled).toBeLessThanOrEqual(7);
    expect(stats.cancelled).toBe(true);
  });

  it('refuses a declared length over the cap without reading the body', async () => {
    const { response: endless, stats } = endlessBody();
    const response = new Response(endless.body, {
      headers: { 'Content-Length': String(100 * MB) },
    });
    await expect(
      readCappedText(response, { maxBytes: MB, what: 'Test API' }),
    ).rejects.toThrow('Test API answered more than 1048576 bytes');
    // A ReadableStream pulls once to fill its queue on creation, never more.
    expect(stats.pulled).toBeLessThanOrEqual(1);
    expect(stats.cancelled).toBe(true);
  });

  it('names malformed JSON (a list cut off mid-way) and quotes its start', async () => {
    const response = new Response('{"kind":"PodList","items":[{"metadata":');
    await expect(
      readCappedJson(response, { maxBytes: MB, what: 'Test API' }),
    ).rejects.toThrow(
      /^Test API answered malformed JSON \(.*\), starting "\{\\"kind\\":\\"PodList\\"/,
    );
  });

  it('ends a body that stalls when the signal aborts', async () => {
    const stalled = new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"items":['));
        },
      }),
    );
    const read = readCappedJson(stalled, {
      maxBytes: MB,
      what: 'Test API',
      signal: AbortSignal.timeout(100),
    });
    await expect(read).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});

describe('readCappedText', () => {
  it('names the source when the connection drops mid-body', async () => {
    const broken = new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"items":['));
        },
        pull(controller) {
          controller.error(new TypeError('terminated'));
        },
      }),
    );
    await expect(
      readCappedText(broken, { maxBytes: MB, what: 'Kubernetes cluster c' }),
    ).rejects.toThrow('Kubernetes cluster c broke off its answer: terminated');
  });
});

describe('readBodyStart', () => {
  it('keeps the start of a huge body and drops the rest unread', async () => {
    const { response, stats } = endlessBody('{"message":"boom"}');
    const text = await readBodyStart(response, 64 * 1024);
    expect(text.length).toBe(64 * 1024);
    expect(text.startsWith('{"message":"boom"}')).toBe(true);
    expect(stats.pulled).toBeLessThanOrEqual(3);
    expect(stats.cancelled).toBe(true);
  });

  it('reads a small body whole', async () => {
    await expect(readBodyStart(new Response('short'), 1024)).resolves.toBe(
      'short',
    );
  });
});

describe('discardBody', () => {
  it('cancels the body', async () => {
    const { response, stats } = endlessBody();
    discardBody(response);
    await new Promise(r => setImmediate(r));
    expect(stats.cancelled).toBe(true);
  });
});
