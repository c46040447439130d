// Runs code in a lab's notebook kernel the way the notebook page does: a kernel started through the REST
// API, an execute_request over its WebSocket channel (through ClassLab's gate, with the lab's own origin),
// and the stream output collected until the kernel is idle again.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export async function runInKernel(notebookUrl: string, code: string, timeoutMs = 60_000): Promise<string> {
  const url = new URL(notebookUrl);
  const token = url.searchParams.get('token') ?? '';
  // The server's base path: '/' for a local lab, '/user/NAME/' for a hub's server behind the hub gate
  // (which adds the hub token itself: the page's address holds none).
  const base = url.pathname.replace(/(lab|tree)(\/.*)?$/, '').replace(/\/?$/, '/');
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token ? { Authorization: `token ${token}` } : {}) };
  const started = await fetch(new URL(`${base}api/kernels`, url.origin), { method: 'POST', headers, body: '{}' });
  if (started.status !== 201) throw new Error(`starting a kernel answered ${started.status}`);
  const { id } = (await started.json()) as { id: string };
  try {
    const ws = new WebSocket(`ws://${url.host}${base}api/kernels/${id}/channels${token ? `?token=${token}` : ''}`, { headers: { Origin: url.origin } });
    return await new Promise<string>((resolve, reject) => {
      const msgId = randomUUID();
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no answer from the kernel in ${timeoutMs} ms`)), timeoutMs);
      ws.on('error', reject);
      ws.on('open', () => {
        ws.send(
          JSON.stringify({
            header: { msg_id: msgId, msg_type: 'execute_request', session: randomUUID(), username: 'test', version: '5.3', date: new Date().toISOString() },
            parent_header: {},
            metadata: {},
            content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false },
            channel: 'shell',
          }),
        );
      });
      ws.on('message', (raw) => {
        const msg = JSON.parse(String(raw)) as { msg_type: string; parent_header: { msg_id?: string }; content: Record<string, unknown> };
        if (msg.parent_header.msg_id !== msgId) return;
        if (msg.msg_type === 'stream') out += String(msg.content.text ?? '');
        if (msg.msg_type === 'error') out += `${String(msg.content.ename)}: ${String(msg.content.evalue)}`;
        if (msg.msg_type === 'status' && msg.content.execution_state === 'idle') {
          clearTimeout(timer);
          ws.close();
          resolve(out);
        }
      });
    });
  } finally {
    await fetch(new URL(`${base}api/kernels/${id}`, url.origin), { method: 'DELETE', headers }).catch(() => undefined);
  }
}
