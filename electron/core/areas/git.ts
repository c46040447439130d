// The git area of the methods table: course sync, snapshots, the student's own repositories, credentials.
import type { GitCredentialStore } from '../git/credentials';
import type { LabGit } from '../git/lab-git';
import type { CoreService } from '../types';

export type GitMethods = Pick<
  CoreService,
  | 'git:courseStatus'
  | 'git:sync'
  | 'git:snapshots'
  | 'git:restoreSnapshot'
  | 'git:repoStatus'
  | 'git:commit'
  | 'git:push'
  | 'git:setCredentials'
  | 'git:forgetCredentials'
>;

export function gitHandlers(git: LabGit, credentials: GitCredentialStore): GitMethods {
  return {
    'git:courseStatus': (id) => git.courseStatus(id),
    'git:sync': (id) => git.sync(id),
    'git:snapshots': (id) => git.snapshots(id),
    'git:restoreSnapshot': (id, snapshotId) => git.restoreSnapshot(id, snapshotId),
    'git:repoStatus': (id, folder) => git.repoStatus(id, folder),
    'git:commit': (id, folder, message, author) => git.commit(id, folder, message, author),
    'git:push': (id, folder, url) => git.push(id, folder, url),
    'git:setCredentials': async (url, username, token) => (await credentials.set(url, username, token), null),
    'git:forgetCredentials': async (url) => (await credentials.forget(url), null),
  };
}
