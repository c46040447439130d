// Contract-valid sample data for unit tests, and small helpers for tests of refusals.
import { apiErrorOf } from '../../electron/api/client';
import type { LabView } from '../../electron/api/contract';

export function labView(overrides: Partial<LabView> = {}): LabView {
  return {
    id: 'python',
    title: 'Python',
    description: 'Python lab',
    image: 'classlab/python:3',
    source: 'build',
    phase: 'stopped',
    reason: null,
    logTail: [],
    notice: null,
    progress: null,
    notebookUrl: null,
    resources: { memoryMiB: 2048, cpus: 2, pids: 256 },
    network: 'none',
    layout: 'notebook',
    warm: false,
    ...overrides,
  };
}

/** The error code a promise rejects with ('resolved' when it does not): for tests of refusals. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return apiErrorOf(err).code;
  }
}

/** The python lab with a course repository: the profile the git tests give a real lab (one catalog entry). */
export function pythonCourseLab(courseUrl: string): Record<string, unknown> {
  return {
    id: 'python',
    title: 'Python notebook',
    image: 'classlab/python:3',
    build: { context: 'python' },
    resources: { memoryMiB: 1024, cpus: 1, pids: 512, diskMiB: 256 },
    network: 'none',
    course: { url: courseUrl, branch: 'main', folder: 'course' },
  };
}
