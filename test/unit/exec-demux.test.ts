// Docker's multiplexed exec stream split into stdout and stderr, however the socket cuts it: every
// frame and header straddling chunk boundaries, empty frames, stderr text split inside a character.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demuxStream } from '../../electron/core/engine/exec';

function frame(kind: 1 | 2, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = kind;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

async function split(wire: Buffer, cut: number): Promise<{ out: Buffer; err: string }> {
  const source = new PassThrough();
  const out = new PassThrough();
  const parts: Buffer[] = [];
  let err = '';
  out.on('data', (c: Buffer) => parts.push(Buffer.from(c)));
  demuxStream(source, out, (t) => (err += t));
  for (let i = 0; i < wire.length; i += cut) source.write(wire.subarray(i, i + cut));
  source.end();
  await new Promise((r) => setImmediate(r));
  return { out: Buffer.concat(parts), err };
}

describe('demuxStream', () => {
  const a = Buffer.from('x'.repeat(10240));
  const b = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const wire = Buffer.concat([frame(1, a), frame(2, Buffer.from('warn: é\n')), frame(1, Buffer.alloc(0)), frame(1, b), frame(2, Buffer.from('done'))]);

  it('gives the same bytes whatever the chunk size, stdout and stderr apart', async () => {
    for (const cut of [1, 3, 7, 8, 9, 4096, 65536]) {
      const { out, err } = await split(wire, cut);
      expect(out.equals(Buffer.concat([a, b])), `cut ${cut}`).toBe(true);
      expect(err).toBe('warn: é\ndone');
    }
  });
});
