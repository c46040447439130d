// What the idle watcher reads of one running lab: the notebook server's own REST API through the lab's
// gate (the core's address and token, as readiness.ts uses them), and the lab container's CPU time.
// Everything a lab answers is hostile: bodies are read up to a cap, parsed with zod, and paths the lab
// names are only ever used as single encoded path segments of its own server's contents API.
import type Docker from 'dockerode';
import { z } from 'zod';
import { KernelClient } from '../audit/kernel';

/** A lab answering more than this for a list of kernels or sessions is not believed. */
const MAX_BODY = 512 * 1024;
/** At most this many open notebooks are looked at (and saved) per lab. */
export const MAX_NOTEBOOKS = 32;
const TIMEOUT_MS = 3000;

const Kernel = z.object({ id: z.string().max(200), execution_state: z.string().max(40), last_activity: z.string().max(64).nullish() });
const Kernels = z.array(Kernel).max(1000);
const Session = z.object({
  path: z.string().max(4096).nullish(),
  type: z.string().max(40).nullish(),
  notebook: z.object({ path: z.string().max(4096) }).nullish(),
});
const Sessions = z.array(Session).max(1000);
const Contents = z.object({ last_modified: z.string().max(64).nullish() });

export interface NotebookServer {
  /** http://127.0.0.1:PORT/ — the lab's gate. */
  base: string;
  token: string;
}

/** The notebook server of a ready lab's view address (readiness.ts notebookAddress), or null. */
export function serverOf(notebookUrl: string | null): NotebookServer | null {
  if (!notebookUrl) return null;
  const url = new URL(notebookUrl);
  const token = url.searchParams.get('token');
  return token ? { base: `${url.origin}/`, token } : null;
}

async function readCapped(res: Response): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function getJson<T>(server: NotebookServer, path: string, schema: z.ZodType<T>, method = 'GET'): Promise<T | null> {
  try {
    const res = await fetch(new URL(path, server.base), {
      method,
      headers: { Authorization: `token ${server.token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel();
      return null;
    }
    const text = await readCapped(res);
    if (text === null) return null;
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A workspace path as the contents API's path, each segment encoded; null for anything odd. */
export function contentsPath(p: string): string | null {
  const segments = p.split('/').filter((s) => s.length > 0);
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..' || s.includes('\\') || [...s].some((c) => c.charCodeAt(0) < 0x20))) return null;
  return `api/contents/${segments.map(encodeURIComponent).join('/')}`;
}

function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

export interface NotebookReading {
  kernels: Array<{ id: string; executionState: string; lastActivity: number | null }>;
  /** Paths of the notebooks open in sessions (at most MAX_NOTEBOOKS). */
  notebooks: string[];
  /** The latest last_modified of those notebooks. */
  notebooksSavedAt: number | null;
}

/** The notebook server's kernels (GET api/kernels): what the idle rule and the overview's kernel count read. Null when it does not answer. */
export async function readKernels(server: NotebookServer): Promise<NotebookReading['kernels'] | null> {
  const kernels = await getJson(server, 'api/kernels', Kernels);
  return kernels ? kernels.map((k) => ({ id: k.id, executionState: k.execution_state, lastActivity: timeOf(k.last_activity) })) : null;
}

/** Kernels that run: every kernel the server lists except one it reports dead (its process is gone). */
export function runningKernels(kernels: NotebookReading['kernels']): number {
  return kernels.filter((k) => k.executionState !== 'dead').length;
}

/** One reading of the notebook server: GET api/kernels, api/sessions and each open notebook's metadata. Null when it does not answer. */
export async function readNotebookServer(server: NotebookServer): Promise<NotebookReading | null> {
  const [kernels, sessions] = await Promise.all([readKernels(server), getJson(server, 'api/sessions', Sessions)]);
  if (!kernels) return null;
  const notebooks = openNotebooks(sessions ?? []);
  const saved = await Promise.all(
    notebooks.map(async (p) => {
      const path = contentsPath(p);
      return path ? timeOf((await getJson(server, `${path}?content=0`, Contents))?.last_modified) : null;
    }),
  );
  const times = saved.filter((t): t is number => t !== null);
  return {
    kernels,
    notebooks,
    notebooksSavedAt: times.length ? Math.max(...times) : null,
  };
}

function openNotebooks(sessions: z.infer<typeof Sessions>): string[] {
  const paths = new Set<string>();
  for (const s of sessions) {
    const p = s.notebook?.path ?? (s.type === 'notebook' || s.type == null ? s.path : null);
    if (p && p.endsWith('.ipynb')) paths.add(p);
  }
  return [...paths].slice(0, MAX_NOTEBOOKS);
}

/**
 * Asks one kernel of the lab directly (kernel_info over its channel, as a page connecting to it does). Notebook
 * 6.4 learns a kernel's state only from the kernel's own status messages, and a kernel nobody has talked to
 * yet stays 'starting' in its list for good; after one request the server's state is the kernel's again.
 * 'answered': the kernel replied (it was not running a cell); 'silent': connected, no reply in time (a cell
 * runs); 'unreachable': no connection.
 */
export async function askKernel(server: NotebookServer, kernelId: string, timeoutMs: number): Promise<'answered' | 'silent' | 'unreachable'> {
  // The id comes from the lab: only a plain id is ever put in a path.
  if (!/^[A-Za-z0-9-]{1,64}$/.test(kernelId)) return 'unreachable';
  const client = new KernelClient(server.base, server.token);
  const connect = client.attach(kernelId).then(
    () => true,
    () => false,
  );
  const connected = await Promise.race([connect, new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref())]);
  try {
    if (!connected) return 'unreachable';
    return (await client.kernelInfo(timeoutMs)) ? 'answered' : 'silent';
  } finally {
    // A connection that opened after the time box is closed too.
    void connect.then(() => client.disconnect());
    client.disconnect();
  }
}

/**
 * Before an idle stop: a checkpoint of each notebook open in a session (POST api/contents/PATH/checkpoints,
 * what the page's "Save and Checkpoint" asks of the server after saving). The server holds only what the
 * page last saved; what the page holds unsaved cannot be reached from here (see docs/design-notes.md).
 */
export async function checkpointNotebooks(server: NotebookServer, paths: string[]): Promise<{ saved: string[]; failed: string[] }> {
  const saved: string[] = [];
  const failed: string[] = [];
  for (const p of paths.slice(0, MAX_NOTEBOOKS)) {
    const path = contentsPath(p);
    const ok = path ? await getJson(server, `${path}/checkpoints`, z.object({ id: z.string().max(200) }), 'POST') : null;
    (ok ? saved : failed).push(p);
  }
  return { saved, failed };
}

/** The lab container's CPU time so far (ns), in one quick call (one-shot: the engine does not wait for a second sample). */
export async function cpuTimeNs(docker: Docker, container: string): Promise<number | null> {
  try {
    const stats = (await docker.getContainer(container).stats({ stream: false, 'one-shot': true } as { stream: false })) as {
      cpu_stats?: { cpu_usage?: { total_usage?: number } };
    };
    const t = stats.cpu_stats?.cpu_usage?.total_usage;
    return typeof t === 'number' && Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}
