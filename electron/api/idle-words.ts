// A running lab's idle time in words, one rule for the core's TOO_MANY_LABS message and the cap dialog.

/** "idle for 12 min", "idle for less than a minute", "busy: a kernel is busy"; undefined or null seconds: not known yet. */
export function idleTimeWords(idle: { idleSeconds: number | null; busy: string[] } | undefined): string {
  if (!idle) return 'idle time not known yet';
  if (idle.busy.length > 0) return `busy: ${idle.busy.join(', ')}`;
  if (idle.idleSeconds === null) return 'idle time not known yet';
  const m = Math.floor(idle.idleSeconds / 60);
  return m < 1 ? 'idle for less than a minute' : `idle for ${m} min`;
}
