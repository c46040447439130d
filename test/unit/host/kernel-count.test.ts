// The overview's running-kernels figure (idle-probe.ts): the count from a kernels list, and the reader of
// a notebook server's api/kernels against a local HTTP server that answers as a hostile lab would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKernels, runningKernels } from '../../../electron/core/host/idle-probe';

const TOKEN = 'kernel-count-token';
/** What the server answers for api/kernels, by the test's choice. */
let answer: { status: number; body: string } = { status: 200, body: '[]' };
const seen: Array<{ url: string | undefined; auth: string | undefined }> = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const kernel = (id: string, state: string) => ({ id, name: 'python3', execution_state: state, last_activity: '2026-12-02T10:00:00.000000Z', connections: 1 });

describe('running kernels', () => {
  it('counts every kernel the server lists except a dead one', () => {
    expect(runningKernels([])).toBe(0);
    const at = Date.parse('2026-12-02T10:00:00Z');
    expect(
      runningKernels([
        { id: 'k0', executionState: 'idle', lastActivity: at },
        { id: 'k1', executionState: 'busy', lastActivity: at },
        { id: 'k2', executionState: 'starting', lastActivity: null },
        { id: 'k3', executionState: 'dead', lastActivity: at },
      ]),
    ).toBe(3);
  });

  it("reads the lab's api/kernels with its token in a header, never in the address", async () => {
    answer = { status: 200, body: JSON.stringify([kernel('a', 'idle'), kernel('b', 'busy')]) };
    seen.length = 0;
    const kernels = await readKernels({ base, token: TOKEN });
    expect(kernels?.map((k) => k.executionState)).toEqual(['idle', 'busy']);
    expect(runningKernels(kernels!)).toBe(2);
    expect(seen).toEqual([{ url: '/api/kernels', auth: `token ${TOKEN}` }]);
  });

  it('believes nothing of an answer that is too long, malformed, of the wrong shape or not a success', async () => {
    const hostile = [
      { status: 200, body: JSON.stringify([{ ...kernel('a', 'idle'), padding: 'x'.repeat(600 * 1024) }]) }, // valid, but over 512 KiB
      { status: 200, body: JSON.stringify(Array.from({ length: 1001 }, (_, i) => kernel(String(i), 'idle'))) }, // more kernels than believed
      { status: 200, body: '[{"id": "a", "execution_state": "idle"' },
      { status: 200, body: JSON.stringify({ kernels: [kernel('a', 'idle')] }) },
      { status: 200, body: JSON.stringify([{ id: 'a', execution_state: 'x'.repeat(41) }]) },
      { status: 403, body: JSON.stringify([kernel('a', 'idle')]) },
      { status: 302, body: '' },
    ];
    for (const a of hostile) {
      answer = a;
      expect(await readKernels({ base, token: TOKEN }), `${a.status} ${a.body.slice(0, 60)}`).toBeNull();
    }
  });
});
