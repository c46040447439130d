// The blunt search for a hidden test's text inside a running lab: grep -r over its whole file system, as
// root and as the student. /proc holds grep's own command line (the pattern); /sys and /dev are the kernel's.
import { execIn } from './docker';

/** Files of the lab's file system that hold `needle`, per user, and grep's exit code (1: none found; 2: some files unreadable). */
export async function filesHolding(container: string, needle: string): Promise<Array<{ user: string; files: string[]; code: number }>> {
  const out = [];
  for (const user of ['0:0', '1000:1000']) {
    const found = await execIn(
      container,
      ['grep', '-r', '-l', '-a', '-F', '-e', needle, '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', '/'],
      user,
    );
    out.push({ user, files: found.out.split('\n').filter((l) => l.startsWith('/')), code: found.code });
  }
  return out;
}
