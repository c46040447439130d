// Where `classlab` gets the admin PIN: from its terminal, typed without echo, or from the
// CLASSLAB_ADMIN_PIN environment variable for scripts — never from its arguments, which every user of
// the computer can read (/proc/*/cmdline, `ps`).
import { LabError } from './api/errors';

export const PIN_VARIABLE = 'CLASSLAB_ADMIN_PIN';
/** For `classlab admin set-pin` in a script: the new PIN (CLASSLAB_ADMIN_PIN holds the current one). */
export const NEW_PIN_VARIABLE = 'CLASSLAB_NEW_ADMIN_PIN';

/**
 * Reads and removes a PIN variable from this process's environment, so nothing ClassLab starts (git,
 * helpers) inherits it.
 */
export function takeVariable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  delete env[name];
  return value;
}

/** The message of a command that needs the PIN and has no way to ask for it. */
export function noPinSource(command: string): LabError {
  return new LabError(
    'LOCKED',
    `classlab ${command} is an admin command and needs the admin PIN: run it on a terminal to be asked, or pass the PIN in the ${PIN_VARIABLE} environment variable (never as an argument).`,
  );
}

export function canAsk(input: NodeJS.ReadStream = process.stdin): boolean {
  return input.isTTY === true;
}

/**
 * Asks on the terminal with echo off (raw mode: each key arrives as typed; nothing is drawn back).
 * Backspace deletes, Enter ends, Ctrl-C and Ctrl-D on an empty line cancel (CANCELLED).
 */
export function askHidden(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    let chars: string[] = [];
    // Inside an escape sequence (an arrow key: ESC [ A): skipped up to its final letter or ~.
    let escape = false;
    const end = (err: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      const value = chars.join('');
      chars = [];
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (escape) {
          escape = !/[A-Za-z~]/.test(ch);
          continue;
        }
        if (ch === '\u001b') {
          escape = true;
          continue;
        }
        if (ch === '\r' || ch === '\n') return end(null);
        if (ch === '\u0003' || (ch === '\u0004' && chars.length === 0)) return end(new LabError('CANCELLED', 'No PIN was entered.'));
        if (ch === '\u0004') return end(null);
        if (ch === '\u007f' || ch === '\b') chars.pop();
        else if (ch === '\u0015') chars = [];
        else if (ch >= ' ') chars.push(ch);
      }
    };
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
