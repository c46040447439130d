// Which methods of the contract are the admin area's: the one table, in one place. Every method of
// `methods` is classified here (the `satisfies` below stops the build when one is missing, and a unit test
// says which), so a method added later is a decision, never an oversight.
//
// student: what students do in student mode — open, stop and reset their own labs; notebooks, terminals,
//   files, course sync and their own git remotes. The admin:* methods are here too: they are the lock's
//   own door and check the PIN themselves (rate-limited).
// admin: everything that changes the machine or what labs are — images, packs, the sandbox check, and
//   later profiles, the host console and terminal, machine settings.
import type { MethodName } from '../../api/contract';

export type MethodAccess = 'student' | 'admin';

export const METHOD_ACCESS = {
  'engine:status': 'student',
  'labs:list': 'student',
  'labs:open': 'student',
  'labs:stop': 'student',
  'labs:reset': 'student',
  /** Building or pulling an image: minutes of the machine, and what the labs run. */
  'images:prepare': 'admin',
  'notebook:show': 'student',
  'notebook:hide': 'student',
  'terminal:open': 'student',
  'terminal:write': 'student',
  'terminal:resize': 'student',
  'terminal:ack': 'student',
  'terminal:close': 'student',
  /** The sandbox check: minutes of the machine, throw-away labs. */
  'audit:run': 'admin',
  'files:list': 'student',
  'files:mkdir': 'student',
  'files:move': 'student',
  'files:trash': 'student',
  'files:trashList': 'student',
  'files:restore': 'student',
  'files:emptyTrash': 'student',
  'files:uploadPlan': 'student',
  'files:uploadCancel': 'student',
  'files:downloadLink': 'student',
  'files:importUrl': 'student',
  'git:courseStatus': 'student',
  'git:sync': 'student',
  'git:snapshots': 'student',
  'git:restoreSnapshot': 'student',
  'git:repoStatus': 'student',
  'git:commit': 'student',
  'git:push': 'student',
  /** A student's own token for their own remote. */
  'git:setCredentials': 'student',
  'git:forgetCredentials': 'student',
  // Lab packs: every method (their progress event goes to every view).
  'packs:signer': 'admin',
  'packs:export': 'admin',
  'packs:cancel': 'admin',
  'packs:downloadLink': 'admin',
  'packs:uploadPlan': 'admin',
  'packs:inspect': 'admin',
  'packs:import': 'admin',
  'packs:discard': 'admin',
  'admin:status': 'student',
  'admin:setPin': 'student',
  'admin:unlock': 'student',
  'admin:lock': 'student',
  // Quick runs are a student's (DESIGN.md, student mode): each in a throw-away sandbox, through the capped pool.
  'runs:run': 'student',
  'runs:languages': 'student',
  // The workshop host's console: the machine's status and every lab's workspace to and from backups.
  'host:status': 'admin',
  'host:backup': 'admin',
  'host:backups': 'admin',
  'host:restore': 'admin',
  // The profile editor: what labs are (also the check, which reads this machine's approved folders).
  'profiles:list': 'admin',
  'profiles:get': 'admin',
  'profiles:check': 'admin',
  'profiles:save': 'admin',
  'profiles:duplicate': 'admin',
  'profiles:delete': 'admin',
  // Exercises: a student reads them and checks their own code (each test a quick run in the capped pool).
  'exercises:list': 'student',
  'exercises:get': 'student',
  'exercises:check': 'student',
  // Installing and removing exercises: what a lab's students are graded on.
  'exercises:uploadPlan': 'admin',
  'exercises:install': 'admin',
  'exercises:remove': 'admin',
  // Notebook grading: the instructor's notebook with its hidden tests, minutes of the machine per submission.
  'grading:grade': 'admin',
  // The host terminal: a shell on this computer as the desktop user. Every method, so a locked area
  // (idle, Lock) also refuses keystrokes into a shell that is still closing.
  'hostTerminal:open': 'admin',
  'hostTerminal:write': 'admin',
  'hostTerminal:resize': 'admin',
  'hostTerminal:ack': 'admin',
  'hostTerminal:close': 'admin',
  // Machine settings: what this machine trusts, the lock's minutes, backups, quick runs, the theme.
  'settings:get': 'admin',
  'settings:update': 'admin',
  /** Only the theme, read-only: a student's view is drawn in it too. */
  'settings:appearance': 'student',
  'host:resetPlan': 'admin',
  'host:reset': 'admin',
  'host:removeOrphans': 'admin',
  'host:deleteLab': 'admin',
  // Idle auto-stop and the cap on running labs: a student's own view reports activity and sees idle times.
  'labs:activity': 'student',
  'labs:idle': 'student',
  // A student's own server on a hub the admin added (adding and removing hubs: `classlab hub`, admin).
  'hubs:list': 'student',
  'hubs:open': 'student',
  'hubs:stop': 'student',
} as const satisfies Record<MethodName, MethodAccess>;

/** Whether a method needs the admin area unlocked. Fails closed: a method missing from the table is admin. */
export function isAdminMethod(channel: MethodName): boolean {
  return (METHOD_ACCESS as Record<string, MethodAccess | undefined>)[channel] !== 'student';
}

/**
 * Admin methods that a view calls by itself, not on a person's action: they need the area unlocked but do
 * not count as activity, so a host terminal that keeps printing (top, logs -f) does not hold the area open.
 */
const NOT_ACTIVITY: ReadonlySet<MethodName> = new Set<MethodName>(['hostTerminal:ack']);

export function countsAsActivity(channel: MethodName): boolean {
  return !NOT_ACTIVITY.has(channel);
}
