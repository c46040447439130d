// Which labs should have a warm lab now (setting warmLabs): pure, so the rules are unit-tested with any
// clock. Windows are local time, one day each; none means "whenever ClassLab runs".
import type { WarmLabs, WarmWindow } from '../../api/contract';

/** "HH:MM" of a local time. */
function clock(at: Date): string {
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

export function inWindow(window: WarmWindow, at: Date): boolean {
  const now = clock(at);
  return window.days.includes(at.getDay()) && window.from <= now && now < window.until;
}

/** The labs that should be warm at `at` (in the setting's order, without repeats). */
export function warmWanted(setting: WarmLabs, at: Date): string[] {
  const open = setting.windows.length === 0 || setting.windows.some((w) => inWindow(w, at));
  return open ? [...new Set(setting.labs)] : [];
}

/**
 * Which warm labs to stop so the labs' memory fits the engine's: the most recently warmed first, until the
 * memory limits of what runs are within `share` of the engine's memory. Warm labs are the first to go.
 */
export function warmToEvict(warm: Array<{ labId: string; memoryMiB: number; since: number }>, runningMiB: number, engineMiB: number, share = 0.9): string[] {
  const out: string[] = [];
  let used = runningMiB;
  for (const w of [...warm].sort((a, b) => b.since - a.since)) {
    if (used <= engineMiB * share) break;
    out.push(w.labId);
    used -= w.memoryMiB;
  }
  return out;
}
