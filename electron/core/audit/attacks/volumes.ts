// Attack 4b, a lab image's VOLUMEs: an image that declares `VOLUME /data` makes Docker give every container
// of it an anonymous volume on the engine's own disk, outside the workspace's disk limit, where a
// student's `dd` could fill the host. The lab under attack must have no volume but its own three (the
// workspace, the socket folder and the home's tmpfs), and its image must declare none anywhere else (images/image-volumes.ts,
// which ClassLab checks after every build and pull). Read from Docker, the way the engine sees the lab.
import { imageVolumeProblems } from '../../images/image-volumes';
import type { AttackResult, AuditAttack, AuditContext } from '../types';

async function labVolumes(ctx: AuditContext): Promise<AttackResult> {
  const attack = '4. Disk fill through a volume the image declares (VOLUME), outside the workspace limit';
  const info = await ctx.lab.inspect();
  if (!info) return { attack, blocked: false, evidence: 'the lab container could not be read from Docker, so nothing was checked' };
  const names = ctx.lab.containers.names;
  const own = new Set([names.workspaceVolume, names.runVolume, names.homeVolume]);
  const extra = (info.Mounts ?? []).filter((m) => m.Type === 'volume' && !own.has(m.Name ?? ''));
  const image = await ctx.docker
    .getImage(info.Image)
    .inspect()
    .catch(() => null);
  const declared = Object.keys(image?.Config?.Volumes ?? {});
  const problems = imageVolumeProblems(declared, ctx.profile);
  const blocked = extra.length === 0 && problems.length === 0;
  return {
    attack,
    blocked,
    evidence: blocked
      ? `the lab has only its own volumes (${[...own].join(', ')}); its image declares ${declared.length ? `only ${declared.join(', ')}, each covered by a mount of the lab` : 'no VOLUME'}`
      : [...extra.map((m) => `an unlimited volume ${m.Name} at ${m.Destination}`), ...problems].join('; '),
  };
}

export const volumeAttacks: AuditAttack[] = [{ id: 'image-volumes', number: 4, run: async (ctx) => [await labVolumes(ctx)] }];
