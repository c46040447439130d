// The admin lock on the command line: `classlab admin …`, and the PIN step of every admin command
// (audit, build, and the pack commands). The rule is the window's and the bridge's: admin methods run
// only in an unlocked admin session, here the session of this one command.
import { parseWarmArgs, warmWords } from './warm-args';
import type { AdminStatus } from './api/contract';
import { LabError, toApiError } from './api/errors';
import { AdminLock } from './core/admin/admin-lock';
import { pinFilePath, removePinFile } from './core/admin/pin-file';
import type { Logger } from './core/log';
import { parseDockerHost } from './core/engine/discovery';
import type { SettingsStore } from './core/settings';
import type { CoreService } from './core/types';
import { askHidden, canAsk, NEW_PIN_VARIABLE, noPinSource, PIN_VARIABLE } from './pin-prompt';

/** The admin methods a PIN step needs (the core's own, or a lock of its own for `classlab admin`). */
export type AdminDoor = Pick<CoreService, 'admin:status' | 'admin:setPin' | 'admin:unlock'>;

/** Where this command's PIN comes from: the variable (already taken out of the environment), or the terminal. */
export interface PinSource {
  fromEnv: string | undefined;
  /** Null when there is no terminal to ask on. */
  ask: ((prompt: string) => Promise<string>) | null;
}

export function pinSource(fromEnv: string | undefined): PinSource {
  return { fromEnv, ask: canAsk() ? (prompt) => askHidden(prompt) : null };
}

const TRIES_ON_A_TERMINAL = 3;

/**
 * Opens the admin session for `command`: with the PIN from the variable or the terminal, or, when this
 * computer has no PIN yet, by setting it (the first admin action sets the PIN, as in the window).
 */
export async function openAdmin(door: AdminDoor, command: string, source: PinSource): Promise<void> {
  const status = await door['admin:status']();
  if (source.fromEnv !== undefined) {
    if (status.pinSet) await door['admin:unlock'](source.fromEnv);
    else {
      await door['admin:setPin'](null, source.fromEnv);
      process.stderr.write(`classlab: this computer had no admin PIN; it is now the one in ${PIN_VARIABLE}.\n`);
    }
    return;
  }
  if (!source.ask) throw noPinSource(command);
  if (!status.pinSet) {
    process.stderr.write('This computer has no admin PIN yet. Choose one: it guards images, packs, the sandbox check and settings.\n');
    await door['admin:setPin'](null, await askNewPin(source.ask));
    process.stderr.write('Admin PIN set.\n');
    return;
  }
  waitIfNeeded(status);
  for (let i = 1; ; i++) {
    try {
      await door['admin:unlock'](await source.ask('Admin PIN: '));
      return;
    } catch (err) {
      const e = toApiError(err);
      // Another try only after a plain wrong PIN; a wait, or the last try, ends the command.
      if (e.code !== 'LOCKED' || e.message !== 'Wrong PIN.' || i >= TRIES_ON_A_TERMINAL) throw err;
      process.stderr.write('Wrong PIN.\n');
      waitIfNeeded(await door['admin:status']());
    }
  }
}

function waitIfNeeded(status: AdminStatus): void {
  if (status.retryAfterSeconds > 0) throw new LabError('LOCKED', `Too many wrong PINs. Try again in ${status.retryAfterSeconds} s.`);
}

async function askNewPin(ask: (prompt: string) => Promise<string>): Promise<string> {
  const pin = await ask('New admin PIN (at least 4 digits or characters): ');
  const again = await ask('The same PIN again: ');
  if (pin !== again) throw new LabError('BAD_REQUEST', 'The two PINs are not the same; nothing was changed.');
  return pin;
}

const USAGE =
  'usage: classlab admin [status] [--json] | admin set-pin | admin forget-pin | admin lock-minutes MINUTES | admin max-labs N | admin warm LAB... [DAYS HH:MM-HH:MM]... | admin warm off | admin engine ssh://user@host[:port]|local';

/** `classlab admin ARGS`: needs no engine and no core; returns the exit code. */
export async function adminCommand(opts: {
  dataDir: string;
  settings: SettingsStore;
  log: Logger;
  args: string[];
  json: boolean;
  source: PinSource;
  newPinFromEnv: string | undefined;
  /** Reports a failure as the CLI does (message, --json) and returns its exit code. */
  fail(err: unknown): number;
}): Promise<number> {
  const { dataDir, settings, args, json, source } = opts;
  const lock = new AdminLock({ dataDir, lockMinutes: () => settings.get().adminLockMinutes, changed: () => {}, log: opts.log });
  const [verb, value] = args;
  try {
    if (verb === undefined || verb === 'status') {
      if (value !== undefined) return usage();
      const status = await lock.status();
      // This command's own session says nothing about the window's: leave `unlocked` out.
      const shown = {
        pinSet: status.pinSet,
        lockMinutes: status.lockMinutes,
        retryAfterSeconds: status.retryAfterSeconds,
        pinFile: pinFilePath(dataDir),
        maxRunningLabs: settings.get().maxRunningLabs,
      };
      if (json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      else {
        process.stdout.write(
          `${status.pinSet ? 'An admin PIN is set: ClassLab starts in student mode.' : 'No admin PIN is set yet: the first admin action asks for one.'}\n` +
            `The admin area locks again after ${status.lockMinutes} idle minutes.\n` +
            `At most ${settings.get().maxRunningLabs} labs run at once on this computer.\n` +
            (status.retryAfterSeconds > 0 ? `Too many wrong PINs: the next try in ${status.retryAfterSeconds} s.\n` : ''),
        );
      }
      return 0;
    }
    if (verb === 'forget-pin') {
      if (value !== undefined) return usage();
      // The way out of a forgotten PIN: the desktop user's own command line, never a method of the bridge.
      const had = await removePinFile(dataDir);
      process.stdout.write(had ? 'The admin PIN is forgotten. The next admin action asks for a new one.\n' : 'No admin PIN was set.\n');
      return 0;
    }
    if (verb === 'set-pin') {
      if (value !== undefined) return usage();
      const { pinSet } = await lock.status();
      let current: string | null = null;
      let next: string;
      if (opts.newPinFromEnv !== undefined) {
        if (pinSet && source.fromEnv === undefined && !source.ask) throw noPinSource('admin set-pin');
        current = pinSet ? (source.fromEnv ?? (await source.ask!('Current admin PIN: '))) : null;
        next = opts.newPinFromEnv;
      } else {
        if (!source.ask) {
          throw new LabError(
            'LOCKED',
            `classlab admin set-pin asks on a terminal; in a script, pass the new PIN in ${NEW_PIN_VARIABLE} (and the current one in ${PIN_VARIABLE}).`,
          );
        }
        current = pinSet ? (source.fromEnv ?? (await source.ask('Current admin PIN: '))) : null;
        next = await askNewPin(source.ask);
      }
      await lock.setPin(current, next);
      process.stdout.write(pinSet ? 'Admin PIN changed.\n' : 'Admin PIN set.\n');
      return 0;
    }
    if (verb === 'lock-minutes') {
      const minutes = Number(value);
      if (!value || !/^\d{1,3}$/.test(value) || minutes < 1 || minutes > 240) return usage('lock-minutes takes whole minutes from 1 to 240.');
      await openAdmin(lock.handlers(), 'admin lock-minutes', source);
      settings.update({ adminLockMinutes: minutes });
      process.stdout.write(`The admin area now locks after ${minutes} idle minutes.\n`);
      return 0;
    }
    if (verb === 'max-labs') {
      // The cap on running labs (core/host/idle-cap.ts): a machine setting, behind the admin PIN.
      const max = Number(value);
      if (!value || !/^\d{1,2}$/.test(value) || max < 1 || max > 64) return usage('max-labs takes a number of labs from 1 to 64.');
      await openAdmin(lock.handlers(), 'admin max-labs', source);
      settings.update({ maxRunningLabs: max });
      process.stdout.write(`At most ${max} ${max === 1 ? 'lab runs' : 'labs run'} at once on this computer now; opening one more is refused (exit 14).\n`);
      return 0;
    }
    if (verb === 'warm') {
      // Warm labs (core/labs/warm-labs.ts): a machine setting, behind the admin PIN. The app and
      // `classlab serve` keep them; this command only says which and when.
      const words = args.slice(1);
      if (!words.length) {
        process.stdout.write(json ? `${JSON.stringify(settings.get().warmLabs)}\n` : `${warmWords(settings.get().warmLabs)}\n`);
        return 0;
      }
      const parsed = parseWarmArgs(words);
      if (!parsed.ok) return usage(`warm: ${parsed.why}.`);
      await openAdmin(lock.handlers(), 'admin warm', source);
      settings.update({ warmLabs: parsed.setting });
      process.stdout.write(json ? `${JSON.stringify(parsed.setting)}\n` : `${warmWords(parsed.setting)}\n`);
      return 0;
    }
    if (verb === 'engine') {
      // The engine of this machine (core/settings.ts engineHost): a machine setting, behind the admin PIN.
      const engineHost = value === 'local' ? null : (value ?? '');
      if (engineHost !== null && !parseDockerHost(engineHost))
        return usage('engine takes ssh://user@host[:port] (or tcp://host:port, unix:///path), or local.');
      await openAdmin(lock.handlers(), 'admin engine', source);
      settings.update({ engineHost });
      process.stdout.write(
        engineHost
          ? `ClassLab uses the engine ${engineHost} from now on${process.env.DOCKER_HOST ? ' (but DOCKER_HOST, set here, wins over it)' : ''}. For ssh, its host key must be in ~/.ssh/known_hosts: \`classlab engine trust\`.\n`
          : 'ClassLab looks for a local engine again.\n',
      );
      return 0;
    }
    return usage();
  } catch (err) {
    return opts.fail(err);
  } finally {
    lock.close();
  }
}

function usage(problem?: string): number {
  process.stderr.write(`classlab: ${problem ?? USAGE}\n`);
  return 2;
}
