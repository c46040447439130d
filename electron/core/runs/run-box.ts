// The life of a run's /box volume (run-spec.ts runBoxVolumeSpec): made before the run's container, removed
// after it, whatever happened in between. A leftover of an earlier ClassLab that stopped half-way (same
// name: the language probe reuses its run ID) is replaced, never reused: it may hold an earlier program's
// files.
import type Docker from 'dockerode';
import { statusOf } from '../engine/inspect';
import { runBoxVolumeSpec, type RunSpecInput } from './run-spec';

type BoxInput = Pick<RunSpecInput, 'runId' | 'labId' | 'namespace' | 'user' | 'limits'>;

export async function withRunBox<T>(docker: Docker, input: BoxInput, use: () => Promise<T>): Promise<T> {
  const spec = runBoxVolumeSpec(input);
  await removeRunBox(docker, spec.Name);
  await docker.createVolume(spec);
  try {
    return await use();
  } finally {
    // `use` removes its container before it returns: the volume is free by now.
    await removeRunBox(docker, spec.Name).catch(() => undefined);
  }
}

async function removeRunBox(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}
