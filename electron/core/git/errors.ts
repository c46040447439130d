// Git failures in words a student can act on, each with a code the UI can act on. Git's own messages
// are English text on stderr (ClassLab runs git with LC_ALL=C), so the classification is by pattern; the
// raw text is kept for the log but never shown as the headline.
import type { ErrorCode } from '../../api/contract';

/** The contract's GIT_* codes (what each means is said there), plus BUSY and BAD_REQUEST. */
export type GitErrorCode = Extract<ErrorCode, `GIT_${string}` | 'BUSY' | 'BAD_REQUEST'>;

export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
    /** git's own text (credentials already removed), for the log. */
    readonly detail = '',
  ) {
    super(message);
    this.name = 'GitError';
  }
  toJSON(): { code: GitErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

const RULES: { code: GitErrorCode; test: RegExp; message: string }[] = [
  {
    // simple-git's own timeout and abort plugins.
    code: 'GIT_TIMEOUT',
    test: /block timeout reached|Abort signal received|Abort already signaled/i,
    message: 'The git operation took too long and was stopped.',
  },
  {
    code: 'GIT_AUTH_FAILED',
    test: /Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP Basic: Access denied|Invalid username or password|Permission denied \(publickey|requested URL returned error: 40[13]|Host key verification failed/i,
    message: 'The git server did not accept the user name or token (or, for ssh, your key). Check the credentials and try again.',
  },
  {
    code: 'GIT_BRANCH_MISSING',
    test: /couldn't find remote ref|Remote branch .* not found|invalid refspec/i,
    message: 'The course repository has no branch of that name.',
  },
  {
    code: 'GIT_REPO_NOT_FOUND',
    test: /Repository not found|does not appear to be a git repository|requested URL returned error: 404|not a git repository|repository '[^']*' not found/i,
    message: 'There is no git repository at that address.',
  },
  {
    code: 'GIT_PUSH_REJECTED',
    test: /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\]|failed to push some refs/i,
    message: 'The remote refused the push: it has commits this folder does not have, or it does not allow pushing there.',
  },
  {
    code: 'GIT_NETWORK',
    test: /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Connection reset|Network is unreachable|No route to host|unable to access|SSL|TLS|Could not read from remote repository|early EOF|the remote end hung up/i,
    message: 'The git server could not be reached. Check the network connection and the address.',
  },
];

/** The code and plain message for git's stderr text. Pure. */
export function classifyGitFailure(text: string): { code: GitErrorCode; message: string } {
  for (const rule of RULES) if (rule.test.test(text)) return { code: rule.code, message: rule.message };
  return { code: 'GIT_FAILED', message: 'git could not finish the operation.' };
}
