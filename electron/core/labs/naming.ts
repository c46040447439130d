// Names and labels of everything ClassLab makes in Docker. Labels are the truth: on start ClassLab finds
// its containers and volumes by label, never by remembering. The namespace keeps separate installations
// (and test runs) on one engine apart.
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { Profile } from '../profiles/schema';

export const LABEL = {
  lab: 'classlab.lab',
  profile: 'classlab.profile',
  schema: 'classlab.schema',
  role: 'classlab.role',
  instance: 'classlab.instance',
  sandbox: 'classlab.sandbox',
} as const;
export const LABEL_SCHEMA_VERSION = '1';

/**
 * Volumes of a namespace with one label more, such as a role. The engine is asked by the namespace's label
 * only and the rest is checked here: Podman 4's volume list matches ANY of several label filters where
 * Docker's matches all (measured), and a clean-up that trusted it would remove a lab's workspace.
 */
export async function namespaceVolumesWith(
  docker: Pick<Docker, 'listVolumes'>,
  namespace: string,
  label: string,
  value: string,
): Promise<Docker.VolumeInspectInfo[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABEL.instance}=${namespace}`] } });
  return (Volumes ?? []).filter((v) => v.Labels?.[LABEL.instance] === namespace && v.Labels?.[label] === value);
}
/**
 * Revision of the containers' sandbox settings (seccomp, ulimits, networks, health checks, …). A stopped
 * container made with another revision is made again at its next start, like one of an older profile.
 */
export const SANDBOX_REVISION = '4';

export type Role = 'lab' | 'gate' | 'workspace' | 'run' | 'home' | 'files' | 'holder';

export interface LabNames {
  container: string;
  gate: string;
  /** Serves the workspace's files while the lab is stopped (filesHelperSpec in sandbox/policy.ts, used by files/lab-files.ts). */
  files: string;
  workspaceVolume: string;
  runVolume: string;
  /** The home folder's tmpfs volume (sandbox/policy.ts labHomeVolumeSpec): scratch, emptied whenever the lab stops. */
  homeVolume: string;
  network: string;
}

export function labNames(namespace: string, labId: string): LabNames {
  const base = `${namespace}-${labId}`;
  return {
    container: base,
    gate: `${base}-gate`,
    files: `${base}-files`,
    workspaceVolume: `${base}-workspace`,
    runVolume: `${base}-run`,
    homeVolume: `${base}-home`,
    network: `${base}-net`,
  };
}

/** The two containers that make a running lab: its own and its gate. */
export interface RunPair {
  container: string;
  gate: string;
}

/**
 * The names of a warm lab's containers until an Open claims them (they are renamed to the lab's own then).
 * A dot, which no lab ID or namespace may have, keeps them apart from every lab's names (`python-warm` is a
 * valid lab ID).
 */
export function warmNames(names: LabNames): RunPair {
  return { container: `${names.container}.warm`, gate: `${names.container}.warm-gate` };
}

export function labLabels(namespace: string, profile: Profile, role: Role): Record<string, string> {
  return {
    [LABEL.lab]: profile.id,
    [LABEL.role]: role,
    [LABEL.instance]: namespace,
    [LABEL.schema]: LABEL_SCHEMA_VERSION,
    [LABEL.profile]: profileFingerprint(profile),
    [LABEL.sandbox]: SANDBOX_REVISION,
  };
}

/** The container was made from this profile with this revision of the sandbox. */
export function madeFrom(labels: Record<string, string> | undefined, profile: Profile): boolean {
  return labels?.[LABEL.profile] === profileFingerprint(profile) && labels?.[LABEL.sandbox] === SANDBOX_REVISION;
}

/** Changes whenever anything that shapes the container changes, so an outdated container is recreated. */
export function profileFingerprint(profile: Profile): string {
  // What the view opens on does not shape the container either (and leaving it out keeps the fingerprint
  // of every profile from before the field existed).
  const { title: _t, description: _d, idleMinutes: _i, layout: _l, ...shaping } = profile;
  return createHash('sha256').update(JSON.stringify(shaping)).digest('hex').slice(0, 16);
}

export const NAMESPACE_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
