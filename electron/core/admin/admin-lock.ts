// The admin lock of one running ClassLab: one admin session for the whole desktop (every window and every
// bridge tab share it; see docs/design-notes.md), opened by the PIN and closed again after the idle minutes
// or on Lock. The PIN's hash and the count of wrong tries live in the PIN file, so the wait after too many
// wrong PINs survives a restart; the session itself lives only in this process.
import type { AdminStatus, MethodName } from '../../api/contract';
import { LabError } from '../../api/errors';
import type { Logger } from '../log';
import type { CoreService } from '../types';
import { afterWrongPin, NO_ATTEMPTS, retryAfterMs, wholeSeconds } from './attempts';
import { IdleLock, systemClock, type LockClock } from './idle-lock';
import { hashPin, pinProblem, verifyPin, type PinHash } from './pin-hash';
import { readPinFile, writePinFile, type PinFile } from './pin-file';
import type { AdminGuard } from './admin-gate';
import { countsAsActivity } from './admin-methods';

export interface AdminLockOptions {
  dataDir: string;
  /** The adminLockMinutes setting, read live. */
  lockMinutes(): number;
  /** The status changed (unlocked, locked by hand or when idle, PIN set): admin:changed. */
  changed(status: AdminStatus): void;
  log: Logger;
  clock?: LockClock;
  /** scrypt's cost; tests of the lock's rules may pass a cheaper one (never below PinHash's floor). */
  pinCost?: Pick<PinHash, 'N' | 'r' | 'p'>;
}

export type AdminMethods = Pick<CoreService, 'admin:status' | 'admin:setPin' | 'admin:unlock' | 'admin:lock'>;

const WRONG_PIN = 'Wrong PIN.';

export class AdminLock implements AdminGuard {
  private readonly clock: LockClock;
  private readonly session: IdleLock;
  /** PIN checks one at a time: each reads, checks and writes the count of wrong tries. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: AdminLockOptions) {
    this.clock = opts.clock ?? systemClock;
    this.session = new IdleLock(
      this.clock,
      () => this.lockMinutes(),
      () => {
        opts.log.info('admin area locked', { why: 'idle' });
        void this.announce();
      },
    );
  }

  handlers(): AdminMethods {
    return {
      'admin:status': () => this.status(),
      'admin:setPin': (current, next) => this.setPin(current, next),
      'admin:unlock': (pin) => this.unlock(pin),
      'admin:lock': () => this.lock(),
    };
  }

  async status(): Promise<AdminStatus> {
    const state = await readPinFile(this.opts.dataDir);
    const attempts = state.kind === 'set' ? state.file.attempts : NO_ATTEMPTS;
    return {
      pinSet: state.kind !== 'none',
      unlocked: this.session.unlocked,
      lockMinutes: this.lockMinutes(),
      retryAfterSeconds: wholeSeconds(retryAfterMs(attempts, this.clock.now())),
    };
  }

  async admit(channel: MethodName): Promise<() => void> {
    if (!this.session.unlocked) {
      const { pinSet } = await this.status();
      throw new LabError(
        'LOCKED',
        pinSet ? `The admin area is locked: ${channel} needs the admin PIN.` : `${channel} is an admin action, and no admin PIN is set yet: set one first.`,
      );
    }
    if (!countsAsActivity(channel)) return () => {};
    // Activity at the start and at the end: a long check does not hold the area open, its end counts.
    this.session.touch();
    return () => this.session.touch();
  }

  unlock(pin: string): Promise<AdminStatus> {
    return this.serial(async () => {
      await this.checkPin(pin, 'unlock');
      this.session.unlock();
      this.opts.log.info('admin area unlocked');
      return this.announce();
    });
  }

  /** [null, new] sets the first PIN; [current, new] changes it (the current one is checked like an unlock). */
  setPin(current: string | null, next: string): Promise<AdminStatus> {
    return this.serial(async () => {
      const problem = typeof next === 'string' ? pinProblem(next) : 'A PIN is text.';
      if (problem) throw new LabError('BAD_REQUEST', problem);
      const state = await readPinFile(this.opts.dataDir);
      if (state.kind !== 'none') {
        if (current === null) throw new LabError('LOCKED', 'An admin PIN is set: enter the current PIN to change it.');
        await this.checkPin(current, 'change');
      }
      const file: PinFile = { version: 1, pin: await hashPin(next, this.opts.pinCost), attempts: NO_ATTEMPTS };
      await writePinFile(this.opts.dataDir, file);
      this.session.unlock();
      this.opts.log.info(state.kind === 'none' ? 'admin PIN set' : 'admin PIN changed');
      return this.announce();
    });
  }

  async lock(): Promise<AdminStatus> {
    const was = this.session.unlocked;
    this.session.lock();
    if (was) this.opts.log.info('admin area locked', { why: 'lock' });
    return this.announce();
  }

  close(): void {
    this.session.lock();
  }

  /** Checks a PIN against the file, within the rate limit; throws LOCKED ("Wrong PIN.") when it is not the one. */
  private async checkPin(pin: string, what: 'unlock' | 'change'): Promise<void> {
    const state = await readPinFile(this.opts.dataDir);
    if (state.kind === 'none') throw new LabError('LOCKED', 'No admin PIN is set yet: set one first.');
    if (state.kind === 'damaged') {
      throw new LabError(
        'LOCKED',
        'The admin PIN file of this computer cannot be read. On this computer, run `classlab admin forget-pin` (or delete admin-pin.json in ClassLab’s data folder) and set a new PIN.',
      );
    }
    const wait = retryAfterMs(state.file.attempts, this.clock.now());
    if (wait > 0) throw new LabError('LOCKED', `Too many wrong PINs. Try again in ${wholeSeconds(wait)} s.`);
    if (typeof pin === 'string' && (await verifyPin(pin, state.file.pin))) {
      if (state.file.attempts.failures > 0) await writePinFile(this.opts.dataDir, { ...state.file, attempts: NO_ATTEMPTS });
      return;
    }
    const attempts = afterWrongPin(state.file.attempts, this.clock.now());
    await writePinFile(this.opts.dataDir, { ...state.file, attempts });
    // Never the PIN itself: only that one was refused, and how many in a row.
    this.opts.log.warn('admin PIN refused', { what, failures: attempts.failures });
    throw new LabError('LOCKED', WRONG_PIN);
  }

  private lockMinutes(): number {
    return Math.max(1, Math.round(this.opts.lockMinutes()));
  }

  private async announce(): Promise<AdminStatus> {
    const status = await this.status();
    this.opts.changed(status);
    return status;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
