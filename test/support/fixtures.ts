// Contract-valid sample data for unit tests.
import type { LabView } from '../../electron/api/contract';

export function labView(overrides: Partial<LabView> = {}): LabView {
  return {
    id: 'python',
    title: 'Python',
    description: 'Python lab',
    image: 'classlab/python:1',
    source: 'build',
    phase: 'stopped',
    reason: null,
    logTail: [],
    notice: null,
    progress: null,
    notebookUrl: null,
    resources: { memoryMiB: 2048, cpus: 2, pids: 256 },
    network: 'none',
    ...overrides,
  };
}
