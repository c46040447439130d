// The words of idle auto-stop and the cap dialog, in one place (pure, unit-tested).
export { idleTimeWords } from '../../electron/api/idle-words';

/** "5 minutes", "1 minute", "45 seconds": how long until `stopsAt`. */
export function untilWords(stopsAt: number, now: number): string {
  const s = Math.max(0, Math.ceil((stopsAt - now) / 1000));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const m = Math.ceil(s / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export function minutesWords(m: number): string {
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** The warning's sentence: "This lab stops in 5 minutes because nothing happened in it for 25 minutes." */
export function warningText(stopsAt: number, idleMinutesSoFar: number, now: number): string {
  const soFar = idleMinutesSoFar < 1 ? 'less than a minute' : minutesWords(idleMinutesSoFar);
  return `This lab stops in ${untilWords(stopsAt, now)} because nothing happened in it for ${soFar}.`;
}
