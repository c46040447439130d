import { describe, expect, it } from 'vitest';
import { FRAME_BYTES } from '../../../electron/core/packs/pack-format';
import { fixedPieces, frameContentSize, mapOrdered, ZstdPool } from '../../../electron/core/packs/zstd';

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe('zstd frames of a lab pack', () => {
  it('round-trips through the worker pool, and a frame that is a whole buffer the caller still reads is not detached', async () => {
    const pool = new ZstdPool(2);
    try {
      const data = Buffer.alloc(300_000, 7);
      const frame = Buffer.from(await pool.compress(Buffer.from(data)));
      expect(frameContentSize(frame)).toBe(data.length);
      // The frame spans its own ArrayBuffer: decompress must copy it, not take it.
      const whole = new Uint8Array(frame);
      expect(Buffer.from(await pool.decompress(whole)).equals(data)).toBe(true);
      expect(whole.byteLength).toBe(frame.length);
    } finally {
      await pool.close();
    }
  });

  it('refuses what is not a frame, a frame without its size, and a size past FRAME_BYTES', () => {
    expect(() => frameContentSize(Buffer.from('not zstd at all'))).toThrow(/not zstd/);
    // Magic, then a descriptor with no content size and no single segment (FCS flag 0, SS 0).
    expect(() => frameContentSize(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x00]))).toThrow(/does not declare its size/);
    // FCS flag 2 (4 bytes), single segment: 8 MiB declared.
    const big = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0x80, 0]);
    expect(() => frameContentSize(big)).toThrow(/more than a pack's frames hold/);
  });

  it('cuts a stream into FRAME_BYTES pieces whatever its chunks', async () => {
    const chunks = [Buffer.alloc(FRAME_BYTES - 1, 1), Buffer.alloc(2, 2), Buffer.alloc(FRAME_BYTES, 3), Buffer.alloc(5, 4)];
    const pieces = await collect(fixedPieces(chunks));
    expect(pieces.map((p) => p.length)).toEqual([FRAME_BYTES, FRAME_BYTES, 6]);
    expect(Buffer.concat(pieces).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('maps in order with calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async (n: number) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, (5 - n) * 5));
      inFlight--;
      return n * 10;
    };
    expect(await collect(mapOrdered([1, 2, 3, 4], slow, 3))).toEqual([10, 20, 30, 40]);
    expect(most).toBe(3);
  });
});
