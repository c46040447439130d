// Which languages a lab's image has: asked once per image ID, in a throw-away container with the same
// sandbox as a run (no network, the lab's user, read-only root), by looking each program up on PATH.
import type Docker from 'dockerode';
import { RUN_LANGUAGES, type RunLanguage } from '../../api/contract';
import type { Logger } from '../log';
import { LANGUAGES } from './languages';
import { missingInitError } from '../engine/init-binary';
import { withRunBox } from './run-box';
import { runContainerSpec, type RunSpecInput } from './run-spec';

export class LanguageProbe {
  private readonly known = new Map<string, Promise<Set<RunLanguage>>>();

  constructor(private readonly log: Logger) {}

  languages(docker: Docker, spec: Omit<RunSpecInput, 'lang'>): Promise<Set<RunLanguage>> {
    let hit = this.known.get(spec.image);
    if (!hit) {
      hit = probe(docker, spec);
      this.known.set(spec.image, hit);
      hit.catch((err: Error) => {
        this.known.delete(spec.image);
        this.log.warn('language probe failed', { image: spec.image, error: err.message });
      });
    }
    return hit;
  }
}

async function probe(docker: Docker, spec: Omit<RunSpecInput, 'lang'>): Promise<Set<RunLanguage>> {
  // A fixed script: program names come from ClassLab's own table.
  const script = RUN_LANGUAGES.map((l) => `command -v ${LANGUAGES[l].needs} >/dev/null 2>&1 && echo ${l}`).join('; ') + '; exit 0';
  return withRunBox(docker, spec, () => probeInBox(docker, spec, script)).catch((err: Error) => {
    throw missingInitError(err.message) ?? err;
  });
}

async function probeInBox(docker: Docker, spec: Omit<RunSpecInput, 'lang'>, script: string): Promise<Set<RunLanguage>> {
  const base = runContainerSpec({ ...spec, lang: 'bash' });
  const container = await docker.createContainer({ ...base, Entrypoint: ['/bin/sh', '-c', script], OpenStdin: false, StdinOnce: false, AttachStdin: false });
  try {
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    container.modem.demuxStream(
      stream,
      { write: (b: Buffer) => chunks.push(b) } as unknown as NodeJS.WritableStream,
      { write: () => true } as unknown as NodeJS.WritableStream,
    );
    const waited = container.wait({ condition: 'next-exit' });
    await container.start();
    await waited;
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
    const words = Buffer.concat(chunks).toString('utf8').split(/\s+/);
    return new Set(RUN_LANGUAGES.filter((l) => words.includes(l)));
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}
