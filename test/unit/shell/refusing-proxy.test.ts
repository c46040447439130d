import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRefusingProxy } from '../../../electron/shell/refusing-proxy';

describe('the refusing proxy', () => {
  it('accepts a connection on 127.0.0.1 and closes it without a byte', async () => {
    const proxy = await startRefusingProxy();
    try {
      expect(proxy.host).toBe('127.0.0.1');
      const received = await new Promise<{ bytes: number }>((resolve, reject) => {
        const s = net.connect(proxy.port, proxy.host, () => s.write('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'));
        let bytes = 0;
        s.on('data', (d: Buffer) => (bytes += d.length));
        s.on('close', () => resolve({ bytes }));
        s.on('error', () => resolve({ bytes }));
        setTimeout(() => reject(new Error('the proxy kept the connection open')), 5000);
      });
      expect(received.bytes).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
