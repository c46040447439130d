// Small answers from the engine that every part of the core asks: a container's inspect when it exists,
// and the HTTP status Docker gave an error (404 "no such", 304 "already", 409 "conflict").
import type Docker from 'dockerode';

/** The HTTP status of a Docker API error, when it has one. */
export function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** A container's inspect, or null when Docker has no container by that name. */
export async function inspectOrNull(docker: Docker, name: string): Promise<Docker.ContainerInspectInfo | null> {
  try {
    return await docker.getContainer(name).inspect();
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}
