// The log's second line of defence for git credentials (electron/core/log.ts).
import { describe, expect, it } from 'vitest';
import { redact } from '../../../electron/core/log';

describe('log redaction of git credentials', () => {
  it('masks a password or token in a URL, keeping the rest readable', () => {
    expect(redact('{"url":"https://ada:s3cr3t@github.com/org/repo.git"}')).toBe('{"url":"https://ada:***@github.com/org/repo.git"}');
    expect(redact('clone https://x:y@host/p and ssh://git@host/p')).toBe('clone https://x:***@host/p and ssh://git@host/p');
  });

  it('masks well-known token shapes anywhere', () => {
    const line = redact('{"detail":"remote said ghp_abcdefghijklmnopqrstuvwxyz123456 and glpat-abcdefghijklmnopqrst1"}');
    expect(line).not.toMatch(/ghp_|glpat-/);
  });

  it('still masks token= fields as before', () => {
    expect(redact('token=abc&x=1')).toBe('token=***&x=1');
  });
});
