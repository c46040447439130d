// The network holder of a lab allowed on the internet: a tiny container that owns the lab's network
// namespace, so the firewall can be loaded into that namespace *before* any lab process exists.
//
// Why: a container's network namespace is made when the container starts. With the lab container owning
// it, the firewall helper could only join after the lab had started, and whatever the lab's command did
// in that moment (a student's server command, a process started at once) could reach the host's
// services and the LAN. Now the order at every start is: holder starts (its namespace, on the lab's own
// network) → the firewall helper loads the rules into it and is removed → the lab container starts with
// NetworkMode container:<holder>. Docker keeps the holder's container ID in the lab's NetworkMode, so the
// holder is made and removed together with the lab container.
//
// The holder runs nothing but `sleep` under tini, from ClassLab's gate image, as the unprivileged user,
// with no capabilities, no new privileges, a read-only root and 32 MiB: it has nothing to offer a lab
// that shares its namespace (it listens on nothing, and its processes are in another PID namespace).
import type Docker from 'dockerode';
import type { Profile } from '../profiles/schema';
import { labLabels, type LabNames } from '../labs/naming';
import { healthcheck, FLOOR_ULIMITS } from './container-floor';

const MiB = 1024 * 1024;

export function holderName(names: LabNames): string {
  return `${names.container}-holder`;
}

/** Pure: the holder container of an internet lab. The image is passed in (ClassLab's gate image). */
export function networkHolderSpec(opts: { profile: Profile; names: LabNames; namespace: string; image: string }): Docker.ContainerCreateOptions {
  const { profile, names, namespace, image } = opts;
  return {
    name: holderName(names),
    Image: image,
    User: '1000:1000',
    Cmd: ['sleep', 'infinity'],
    Labels: labLabels(namespace, profile, 'holder'),
    StopTimeout: 1,
    // Healthy while the namespace has an interface besides loopback (its leg on the lab's network):
    // /proc/net/dev has two header lines (with '|') and one line per interface.
    Healthcheck: healthcheck(['/usr/bin/grep', '-q', '-v', '-e', '|', '-e', '^ *lo:', '/proc/net/dev']),
    HostConfig: {
      NetworkMode: names.network,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      ReadonlyRootfs: true,
      // runc counts its own init threads (a Go runtime, several per exec) against these limits while
      // an exec starts: with 8 pids and 16 MiB, the health check and a second exec at once failed with
      // "read init-p: connection reset by peer" (CI, sandbox-cis). Still far below any lab's.
      PidsLimit: 32,
      Memory: 32 * MiB,
      MemorySwap: 32 * MiB,
      NanoCpus: 0.1e9,
      Ulimits: FLOOR_ULIMITS,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '64k', 'max-file': '1' } },
      RestartPolicy: { Name: 'no' },
    },
  };
}
