// A lab terminal opened on a core, as the terminal view uses it: output collected and acknowledged (the
// flow control), the exit kept, and a way to run a command and wait for what it printed.
import { expect } from 'vitest';
import type { TerminalExit } from '../../electron/api/contract';
import type { ClassLabCore } from '../../electron/core/types';

/** Terminal output as text: colours and cursor moves, window titles and carriage returns taken out. */
// eslint-disable-next-line no-control-regex
export const terminalText = (s: string): string => s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\r/g, '');

export async function openTerminal(core: Pick<ClassLabCore, 'service' | 'subscribe'>, labId: string, size = { cols: 80, rows: 24 }) {
  let out = '';
  let exit: TerminalExit | null = null;
  const info = await core.service['terminal:open'](labId, size);
  const offData = core.subscribe('terminal:data', (d) => {
    if (d.terminalId !== info.terminalId) return;
    out += d.data;
    void core.service['terminal:ack'](info.terminalId, d.data.length);
  });
  const offExit = core.subscribe('terminal:exit', (e) => {
    if (e.terminalId === info.terminalId) exit = e;
  });
  return {
    id: info.terminalId,
    text: () => terminalText(out),
    exit: () => exit,
    write: (s: string) => core.service['terminal:write'](info.terminalId, s),
    /** Runs a command and waits for the marker it prints last (split in the command, so its echo is not it). */
    async run(cmd: string, timeout = 15_000): Promise<string> {
      const mark = `__done_${Math.random().toString(36).slice(2)}__`;
      const before = terminalText(out).length;
      await core.service['terminal:write'](info.terminalId, `${cmd}; echo ${mark.slice(0, 6)}""${mark.slice(6)}\r`);
      await expect.poll(() => terminalText(out).slice(before).includes(`${mark}\n`), { timeout }).toBe(true);
      const after = terminalText(out).slice(before);
      return after.slice(0, after.lastIndexOf(mark));
    },
    close: () => core.service['terminal:close'](info.terminalId),
    off: () => {
      offData();
      offExit();
    },
  };
}
