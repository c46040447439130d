// What the idle watcher believes of a lab's kernels, beyond the notebook server's word (pure; the watcher
// asks, idle-probe.ts askKernel talks to the kernel).
//
// The server's execution_state is the last status message the kernel published, whatever request it
// answered. Measured on Notebook 6.4 (test/integration/idle-stop.test.ts): a kernel running a silent
// `time.sleep` loop is listed as 'idle' as soon as any client connects to it, because the server "nudges"
// a new connection with a kernel_info request on the control channel, which the kernel answers (busy, then
// idle) from another thread while its cell keeps running; a kernel nobody has connected to is listed as
// 'starting' for good. So 'idle' and 'starting' are only hints. Before a lab is warned and before it is
// stopped, the watcher asks each such kernel for its kernel_info on the shell channel, which a kernel
// answers only when no cell runs. A kernel that does not answer is running a cell, and stays counted so
// until it does something (its last activity moves). Asking is itself activity of the kernel's: what the
// kernel did while it was asked is not counted as the student's.
export interface SeenKernel {
  id: string;
  executionState: string;
  lastActivity: number | null;
}

export interface KernelAsk {
  /** The ask's window: a last_activity inside it is the ask's own. */
  from: number;
  to: number;
  /** The kernel's last activity before it was asked. */
  before: number | null;
  /** It replied on the shell channel: no cell was running. */
  answered: boolean;
}

/** Status messages of an ask can reach the server after it ends (the server nudges a connection every few seconds until it closes). */
export const ASK_SLACK_MS = 6000;

/** The kernels as the idle rule should see them (see above). */
export function kernelsAsKnown(kernels: readonly SeenKernel[], asks: ReadonlyMap<string, KernelAsk>): SeenKernel[] {
  return kernels.map((k) => {
    const ask = asks.get(k.id);
    if (!ask) return k;
    const own = k.lastActivity !== null && k.lastActivity >= ask.from && k.lastActivity <= ask.to;
    const lastActivity = own ? ask.before : k.lastActivity;
    const sinceAsked = lastActivity !== ask.before;
    if (!ask.answered && !sinceAsked && k.executionState !== 'dead') return { ...k, executionState: 'busy', lastActivity };
    return { ...k, lastActivity };
  });
}

/** The kernels whose rest must be confirmed by asking them: those the server calls idle or starting. */
export function doubtfulKernels(kernels: readonly SeenKernel[]): SeenKernel[] {
  return kernels.filter((k) => k.executionState === 'idle' || k.executionState === 'starting');
}

/** Asks of kernels the server no longer lists are forgotten. */
export function forgetGone(asks: Map<string, KernelAsk>, kernels: readonly SeenKernel[]): void {
  const listed = new Set(kernels.map((k) => k.id));
  for (const id of asks.keys()) if (!listed.has(id)) asks.delete(id);
}
