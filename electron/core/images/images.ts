// Lab images: is it here, build it from the bundled Dockerfile, or pull it. Progress is reported as it
// comes; an error in the stream fails the operation (Docker reports build errors inside a 200 stream).
import type Docker from 'dockerode';
import path from 'node:path';
import { pack } from 'tar-fs';
import { LabError } from '../../api/errors';
import { BuildProgress, PullProgress, type DockerStreamMessage, type ProgressSnapshot } from './progress';

export async function imagePresent(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export async function imageId(docker: Docker, ref: string): Promise<string | null> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

export interface ImageJob {
  onProgress: (p: ProgressSnapshot) => void;
  signal?: AbortSignal;
}

/**
 * Builds `tag` from a folder that holds a Dockerfile. The folder is packed as the build context. Returns
 * the ID of the image this build made, as the build itself reports it (so a tag moved meanwhile cannot
 * change what the caller gets), or null from an engine that reports none.
 */
export async function buildImage(
  docker: Docker,
  contextDir: string,
  tag: string,
  job: ImageJob,
  buildargs: Record<string, string> = {},
): Promise<string | null> {
  const tracker = new BuildProgress();
  const context = pack(path.resolve(contextDir));
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: tag,
      rm: true,
      forcerm: true,
      buildargs,
      labels: { 'classlab.built-by': 'classlab' },
    });
  } catch (err) {
    throw new LabError('BUILD_FAILED', `Docker refused to build ${tag}: ${(err as Error).message}`);
  }
  let built: string | null = null;
  let shortId: string | null = null;
  await follow(
    docker,
    stream,
    tracker,
    job,
    (msg) => new LabError('BUILD_FAILED', `Building ${tag} failed: ${msg}`),
    (msg) => {
      const aux = msg.aux as { ID?: unknown } | undefined;
      if (typeof aux?.ID === 'string' && /^sha256:[a-f0-9]{64}$/.test(aux.ID)) built = aux.ID;
      const line = typeof msg.stream === 'string' ? /Successfully built ([a-f0-9]{12,64})/.exec(msg.stream) : null;
      if (line?.[1]) shortId = line[1];
    },
  );
  // Older engines say only "Successfully built <short id>": that is this build's image too.
  if (!built && shortId) built = await imageId(docker, shortId);
  return built;
}

/** Pulls `ref` from its registry, summing per-layer bytes into one bar. */
export async function pullImage(docker: Docker, ref: string, job: ImageJob): Promise<void> {
  const tracker = new PullProgress();
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(ref);
  } catch (err) {
    throw new LabError(
      'PULL_FAILED',
      `Could not pull ${ref}: ${(err as Error).message}. Check the internet connection, or import a lab pack from your instructor.`,
    );
  }
  await follow(docker, stream, tracker, job, (msg) => new LabError('PULL_FAILED', `Pulling ${ref} failed: ${msg}`));
}

function follow(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  tracker: BuildProgress | PullProgress,
  job: ImageJob,
  fail: (msg: string) => LabError,
  onMessage?: (msg: DockerStreamMessage) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const abort = () => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      reject(new LabError('BUILD_FAILED', 'Cancelled.'));
    };
    job.signal?.addEventListener('abort', abort, { once: true });
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        job.signal?.removeEventListener('abort', abort);
        const snap = tracker.snapshot();
        job.onProgress(snap);
        if (err) reject(fail(err.message));
        else if (snap.error) reject(fail(snap.error));
        else resolve();
      },
      (msg: DockerStreamMessage) => {
        onMessage?.(msg);
        tracker.push(msg);
        job.onProgress(tracker.snapshot());
      },
    );
  });
}
