// `classlab admin warm …`: the words of the warm-labs setting on a command line, read into the contract's
// WarmLabs (pure, unit-tested). `warm python r` keeps them warm whenever ClassLab runs; `warm python
// mon-fri 08:55-10:30 sat 09:00-12:00` only in those windows; `warm off` keeps none.
import { WarmLabs } from './api/contract';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function days(word: string): number[] | null {
  const out = new Set<number>();
  for (const part of word.toLowerCase().split(',')) {
    const range = /^([a-z]{3})(?:-([a-z]{3}))?$/.exec(part);
    if (!range) return null;
    const from = DAYS.indexOf(range[1] as (typeof DAYS)[number]);
    const to = range[2] ? DAYS.indexOf(range[2] as (typeof DAYS)[number]) : from;
    if (from < 0 || to < 0 || to < from) return null;
    for (let d = from; d <= to; d++) out.add(d);
  }
  return [...out].sort();
}

/** The setting the words ask for, or why they do not make one. */
export function parseWarmArgs(args: string[]): { ok: true; setting: WarmLabs } | { ok: false; why: string } {
  if (args.length === 1 && args[0] === 'off') return { ok: true, setting: { labs: [], windows: [] } };
  const labs: string[] = [];
  const windows: Array<{ days: number[]; from: string; until: string }> = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const asDays = /^[a-z]{3}([-,][a-z]{3})*$/i.test(word) ? days(word) : null;
    if (asDays) {
      const span = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(args[i + 1] ?? '');
      if (!span) return { ok: false, why: `after the days ${word} comes a time span such as 08:55-10:30` };
      windows.push({ days: asDays, from: span[1]!, until: span[2]! });
      i++;
    } else if (windows.length) {
      return { ok: false, why: `the labs come before the windows: ${word}` };
    } else labs.push(word);
  }
  if (!labs.length) return { ok: false, why: 'name the labs to keep warm (or off)' };
  const parsed = WarmLabs.safeParse({ labs, windows });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path[0] === 'windows' && typeof issue.path[1] === 'number' ? `window ${issue.path[1] + 1}` : String(issue.path[0] ?? 'warm');
    return { ok: false, why: `${where}: ${issue.message}` };
  }
  return { ok: true, setting: parsed.data };
}

/** The setting in the same words. */
export function warmWords(setting: WarmLabs): string {
  if (!setting.labs.length) return 'No labs are kept warm.';
  const when = setting.windows.length
    ? setting.windows.map((w) => `${w.days.map((d) => DAYS[d]).join(',')} ${w.from}-${w.until}`).join('; ')
    : 'whenever ClassLab runs';
  return `Kept warm: ${setting.labs.join(', ')} (${when}).`;
}
