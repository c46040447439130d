// Attack 19, "open a notebook from a URL" aimed at this computer: the fetch is made by the host with the
// host's network, so a link handed to a student (in a course page, a chat, a notebook) could point it at
// a service only this computer can reach — an admin page on 127.0.0.1, a router, the cloud metadata
// address. The check starts a real HTTP listener on 127.0.0.1 that answers with a notebook, then asks
// ClassLab's own import (files/url-import.ts, with this machine's trust) for it by every spelling: the IP,
// `localhost` (name resolution), decimal and IPv4-mapped forms, a redirect from a second listener this
// check trusts for itself, and the metadata address. Blocked only when each was refused and the listener
// saw no request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LabError } from '../../../api/errors';
import { fetchNotebook } from '../../files/url-import';
import type { MachineTrust } from '../../trust/machine-trust';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

const NOTEBOOK = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function urlImportToHost(ctx: AuditContext): Promise<AttackResult[]> {
  const attack = '19. URL import to this computer';
  let requests = 0;
  const target = await listen((_req, res) => {
    requests += 1;
    res.end(NOTEBOOK);
  });
  const relay = await listen((_req, res) => res.writeHead(302, { Location: `http://127.0.0.1:${target.port}/admin.ipynb` }).end());
  try {
    const trust = ctx.policy.trust();
    // The relay stands for a course server the instructor allowed: only its own address is added.
    const relayTrust = { localAddresses: [...trust.localAddresses, `http://127.0.0.1:${relay.port}/`] };
    const tries: { what: string; url: string; trust: Pick<MachineTrust, 'localAddresses'> }[] = [
      { what: '127.0.0.1', url: `http://127.0.0.1:${target.port}/a.ipynb`, trust },
      { what: 'localhost', url: `http://localhost:${target.port}/a.ipynb`, trust },
      { what: 'decimal 2130706433', url: `http://2130706433:${target.port}/a.ipynb`, trust },
      { what: 'IPv4-mapped [::ffff:127.0.0.1]', url: `http://[::ffff:127.0.0.1]:${target.port}/a.ipynb`, trust },
      { what: 'a redirect from an allowed server', url: `http://127.0.0.1:${relay.port}/course.ipynb`, trust: relayTrust },
      { what: 'the metadata address 169.254.169.254', url: 'http://169.254.169.254/latest/meta-data/', trust },
    ];
    const outcomes: { what: string; refused: boolean; said: string }[] = [];
    for (const t of tries) {
      if (ctx.signal.aborted) break;
      const err = await fetchNotebook(t.url, { trust: t.trust, signal: ctx.signal }).then(
        () => null,
        (e: unknown) => e,
      );
      const refused = err instanceof LabError && err.code === 'REFUSED';
      outcomes.push({ what: t.what, refused, said: err instanceof Error ? err.message : 'fetched' });
    }
    const open = outcomes.filter((o) => !o.refused);
    const blocked = open.length === 0 && outcomes.length === tries.length && requests === 0;
    const first = outcomes.find((o) => o.refused)?.said ?? '';
    const evidence = blocked
      ? `Refused before connecting, and the listener on 127.0.0.1:${target.port} saw no request: ${outcomes.map((o) => o.what).join('; ')}. ClassLab says: "${first}"`
      : `The listener on 127.0.0.1:${target.port} saw ${requests} request(s); not refused: ${open.map((o) => `${o.what} (${o.said})`).join('; ') || 'none'}` +
        (outcomes.length < tries.length ? '; the check was cut short' : '') +
        (trust.localAddresses.length ? `. This machine trusts: ${trust.localAddresses.join(', ')}` : '');
    return [{ attack, blocked, evidence }];
  } finally {
    target.server.close();
    relay.server.close();
  }
}

export const urlImportAttacks: AuditAttack[] = [{ id: 'url-import', number: 19, run: urlImportToHost }];
