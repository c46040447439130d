// ClassLab's log: JSON lines in a file in the data folder. Secrets never belong in a log; as a second
// line of defence, anything shaped like a token is masked before it is written.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Where the core writes what happened: a file in the data folder, stderr, or a test's memory. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET = /((?:token|password|pin|secret)["=:\s]+)([^\s"&,}]+)/gi;
// A password or token written into a URL (https://user:token@host/…), as a user may paste a git address.
const URL_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/:@"]*:)[^\s/@"]+@/g;
// Well-known token shapes (GitHub, GitLab, Bitbucket app passwords are not recognisable): masked wherever they appear.
const TOKEN_SHAPES = /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g;

export function redact(text: string): string {
  return text.replace(SECRET, '$1***').replace(URL_PASSWORD, '$1***@').replace(TOKEN_SHAPES, '***');
}

export function fileLogger(file: string, alsoStderr = false): Logger {
  mkdirSync(path.dirname(file), { recursive: true });
  const write = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const line = redact(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
    try {
      appendFileSync(file, `${line}\n`);
    } catch {
      // A full disk must not take the app down with it; the log is best effort.
    }
    if (alsoStderr) process.stderr.write(`${line}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
