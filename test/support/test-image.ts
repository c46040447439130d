// An image of a test's own: `base` plus one layer that holds `marker` in /etc/classlab-pack-test, so its
// ID is new and removing it never touches the images other tests use.
import tar from 'tar-stream';
import { docker, removeNamespace } from './docker';

export async function buildTestImage(tag: string, base: string, marker: string): Promise<string> {
  const context = tar.pack();
  context.entry({ name: 'Dockerfile' }, `FROM ${base}\nUSER root\nRUN echo ${JSON.stringify(marker)} > /etc/classlab-pack-test\nUSER 1000:1000\n`);
  context.finalize();
  const stream = await docker.buildImage(context as never, { t: tag, rm: true, forcerm: true, labels: { 'classlab.test': 'packs' } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = err ?? out.find((m) => m.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
      else resolve();
    }),
  );
  return (await docker.getImage(tag).inspect()).Id;
}

/** After a test of two ClassLabs on one engine: both closed, their namespaces and the test's own images gone. */
export async function closeAndClean(cores: Array<{ close(): Promise<void> } | undefined>, namespaces: string[], images: string[]): Promise<void> {
  for (const core of cores) await core?.close();
  for (const ns of namespaces) await removeNamespace(ns);
  for (const tag of images) {
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  }
}
