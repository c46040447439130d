// Waits until the notebook server answers its status endpoint with the token, with back-off. Between
// polls the caller can check that the container still runs, so a crash ends the wait at once.
export interface ReadinessOptions {
  url: string;
  token: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called between polls; throw to give up (for example: the container exited). */
  stillAlive?: () => Promise<void>;
}

export async function notebookAnswers(url: string, token: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(new URL('api/status', url), {
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function waitForNotebook({ url, token, timeoutMs, signal, stillAlive }: ReadinessOptions): Promise<'ready' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  let polls = 0;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (await notebookAnswers(url, token, 2000)) return 'ready';
    polls += 1;
    // Alive checks cost an inspect each: every few polls is enough to notice a crash quickly. The poll
    // interval stays short (≤150 ms): a loopback request is cheap and every 100 ms counts in "open".
    if (stillAlive && polls % 4 === 0) await stillAlive();
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), signal);
    delay = Math.min(Math.round(delay * 1.5), 150);
  }
  return 'timeout';
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** The gate's address on this computer: the only place ClassLab builds it. */
export function notebookBase(port: number): string {
  return `http://127.0.0.1:${port}/`;
}

/**
 * The notebook's address as the user opens it: JupyterLab's page, with its token (the server turns it into
 * its login cookie). files/notebook-path.ts derives a file's page from this address.
 */
export function notebookAddress(port: number, token: string): string {
  return `${notebookBase(port)}lab?token=${encodeURIComponent(token)}`;
}
