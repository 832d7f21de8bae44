import Fastify from 'fastify';

/**
 * The HTTP ceiling of the benchmark: fastify answering one fixed 120-byte HTML page. Run as a
 * child process by src/bench/http.ts with PORT set.
 */
const HEAD = '<!doctype html><html><head><meta charset="utf-8"><title>hello</title></head><body><p>';
const TAIL = '</p></body></html>';
export const HELLO_HTML = HEAD + 'Hello, world!'.padEnd(120 - HEAD.length - TAIL.length, '.') + TAIL;

const app = Fastify({ logger: false });
app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(HELLO_HTML));

const port = Number(process.env.PORT ?? 0);
await app.listen({ port, host: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
