// A lab profile: what an instructor defines and the catalog ships. Validated field by field so that a
// malformed profile is reported by name and field while the others still load.
//
// A profile is untrusted input (a catalog or a lab pack may come from anyone), so nothing in it can weaken
// the sandbox floor: the lab user is an ordinary user with no other group, a profile cannot skip gVisor
// (that is this machine's decision, trust.skipGvisorLabs), it cannot name ClassLab's own images, and its
// mounts are checked against this machine's approved folders by real path (mount-policy.ts, at load and
// again at start: that needs the file system, so it is not part of this pure schema).
import { z } from 'zod';
import { LAB_ID, LabLayout, NEW_LAB_RESOURCES } from '../../api/contract';
import { debianPackageProblem, MAX_PACKAGES } from '../images/debian-packages';
import { dockerfileLineProblems } from '../images/dockerfile-lines';
import { reservedImageReason } from '../images/reserved-names';
import { CourseSettings } from './course';

/** Docker image references: [registry/]name[:tag][@digest], lower-case name parts. */
const IMAGE_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Debian's and Fedora's `users` group, the group of the jupyter/docker-stacks images' user. */
const USERS_GID = 100;
/** The largest id Docker and the kernel treat as an ordinary id (-1, 2^32-1, means "unchanged"). */
const MAX_ID = 2147483647;

/**
 * The lab user, always numeric uid:gid. Measured on Docker 20.10: with User "1000:1000" the lab's
 * processes (and every exec) get exactly that group; with "1000" or a name, Docker adds the groups the
 * image's /etc/group gives that user (a `docker` group, `disk`, …). So: uid 1000 or more (never root or a
 * system account), and the group is the user's own (gid = uid) or 100, `users`, which Jupyter's own images
 * use (jovyan 1000:100) and which owns nothing on Debian, Ubuntu or Fedora hosts. Any other gid could be a
 * group that opens something of the host's (0, docker, disk, video, systemd-journal are all below 1000).
 */
export const LabUser = z
  .string()
  .regex(
    /^\d{1,10}:\d{1,10}$/,
    'uid:gid of an unprivileged user as numbers, such as 1000:1000 (a user name would let Docker add the groups the image gives it)',
  )
  .superRefine((user, ctx) => {
    if (!/^\d+:\d+$/.test(user)) return; // the pattern above already said why
    const [uid, gid] = user.split(':').map(Number) as [number, number];
    if (uid < 1000)
      ctx.addIssue({
        code: 'custom',
        message: `uid ${uid} is root or a system account: the lab user must be an ordinary user (uid 1000 or more), such as 1000:1000`,
      });
    else if (uid > MAX_ID || gid > MAX_ID) ctx.addIssue({ code: 'custom', message: `uid and gid must be at most ${MAX_ID}` });
    else if (gid !== uid && gid !== USERS_GID) {
      ctx.addIssue({
        code: 'custom',
        message: `group ${gid} is not the lab user's own: use gid = uid (${uid}:${uid}) or ${USERS_GID} ("users"); any other group, such as 0 or the docker group, could open the host's files or its Docker engine`,
      });
    }
  });

/** Absolute container paths, without `..` segments or odd characters. */
const CONTAINER_PATH = z
  .string()
  .regex(/^\/(?:[A-Za-z0-9_.@+-]+\/?)*$/, 'an absolute path inside the container')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..');

export const Mount = z.object({
  /** Only course folders for now: read-only material beside the workspace. */
  kind: z.literal('course'),
  /** An absolute folder on the host (the instructor's copy of the course). */
  source: z
    .string()
    .min(1)
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'an absolute host path'),
  target: CONTAINER_PATH.refine(
    (p) => p !== '/' && !['/proc', '/sys', '/dev'].some((top) => p === top || p.startsWith(`${top}/`)),
    "a folder of the lab, not / or the kernel's /proc, /sys or /dev",
  ),
  readOnly: z.literal(true, { message: 'course folders are always mounted read-only' }).default(true),
});
export type Mount = z.infer<typeof Mount>;

export const Profile = z.object({
  id: LAB_ID,
  title: z.string().min(1).max(80),
  description: z.string().max(500).default(''),
  image: z
    .string()
    .regex(IMAGE_REF, 'a Docker image reference such as classlab/python:3')
    .superRefine((ref, ctx) => {
      const reserved = reservedImageReason(ref);
      if (reserved) ctx.addIssue({ code: 'custom', message: reserved });
    }),
  /**
   * How the image is made. With `context`: a bundled Dockerfile folder, relative to the catalog. Without
   * it but with `base`: ClassLab writes the Dockerfile itself, FROM the base lab's image with `packages`
   * and `lines` (images/custom-image.ts). Without `build`, the image is pulled.
   */
  build: z
    .object({
      context: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a folder name beside catalog.json')
        .optional(),
      /** Another lab whose image this one is built on (images/lab-image.ts): made ready first, passed as BASE_IMAGE. */
      base: LAB_ID.optional(),
      /** Extra Debian packages for a lab built on a base (the apt.txt convention): names only, checked strictly. */
      packages: z
        .array(
          z.string().superRefine((name, ctx) => {
            const problem = debianPackageProblem(name);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
        )
        .max(MAX_PACKAGES, `at most ${MAX_PACKAGES} packages`)
        .optional(),
      /** Expert Dockerfile lines after the packages (images/dockerfile-lines.ts); only profiles saved in the editor may have them (catalog.ts). */
      lines: z
        .array(z.string())
        .superRefine((lines, ctx) => {
          for (const p of dockerfileLineProblems(lines)) ctx.addIssue({ code: 'custom', path: [p.line], message: p.message });
        })
        .optional(),
    })
    .superRefine((build, ctx) => {
      if (!build.context && !build.base) ctx.addIssue({ code: 'custom', path: ['base'], message: 'a build names a Dockerfile folder (context) or a base lab' });
      if (build.context && (build.packages?.length || build.lines?.length))
        ctx.addIssue({
          code: 'custom',
          path: [build.packages?.length ? 'packages' : 'lines'],
          message: 'extra packages and lines are for a lab built on a base lab; a Dockerfile folder installs its own',
        });
    })
    .optional(),
  server: z
    .object({
      /** The notebook server command; it must listen on `socket`. Default: the image's own command. */
      command: z.array(z.string().min(1)).min(1).optional(),
      /** Unix socket the server listens on; ClassLab's gate forwards a loopback port to it. */
      socket: CONTAINER_PATH.default('/run/classlab/notebook.sock'),
      /** The unprivileged user the lab runs as (uid:gid); see LabUser. */
      user: LabUser.default('1000:1000'),
      /** Where the workspace is mounted; also the notebook's root folder. */
      workspace: CONTAINER_PATH.default('/home/student/work'),
      /** Seconds to wait for the notebook to answer before giving up. */
      startTimeoutSeconds: z.number().int().min(5).max(600).default(90),
    })
    .prefault({}),
  resources: z
    .object({
      memoryMiB: z.number().int().min(128).max(262144).default(NEW_LAB_RESOURCES.memoryMiB),
      cpus: z.number().min(0.1).max(128).default(NEW_LAB_RESOURCES.cpus),
      pids: z.number().int().min(32).max(32768).default(NEW_LAB_RESOURCES.pids),
      /**
       * The hard size limit of the workspace (a loop-backed ext4 file system per lab). Fixed when the
       * workspace is first made; a later change applies to new workspaces only.
       */
      diskMiB: z.number().int().min(32).max(1048576).default(NEW_LAB_RESOURCES.diskMiB),
    })
    .prefault({}),
  network: z.enum(['none', 'internet']).default('none'),
  /**
   * The container runtime: 'auto' (gVisor, a user-space kernel between the lab and the host's kernel, when
   * the engine has it; runc otherwise) or 'runsc' (gVisor or no start). Never 'runc' where gVisor is
   * installed: skipping it weakens the sandbox, so it is this machine's decision (trust.skipGvisorLabs,
   * `classlab trust gvisor skip LAB`), never a profile's.
   */
  runtime: z
    .enum(['auto', 'runsc'], {
      error: (issue) =>
        issue.input === 'runc'
          ? 'a profile cannot skip gVisor: where gVisor is installed, only this computer may let a lab run without it (classlab trust gvisor skip LAB); use "auto"'
          : 'auto (gVisor when the engine has it) or runsc (gVisor required)',
    })
    .default('auto'),
  mounts: z.array(Mount).max(8).default([]),
  /** A course repository cloned into the workspace on first open and brought up to date by Sync. */
  course: CourseSettings.optional(),
  /** Stop the lab after this many idle minutes; 0 never. */
  idleMinutes: z.number().int().min(0).max(10080).default(60),
  /** What the lab view opens on: the notebook, or a terminal first (the notebook stays one tab away). */
  layout: LabLayout.default('notebook'),
});
export type Profile = z.infer<typeof Profile>;

export const CatalogFile = z.object({
  schema: z.literal(1),
  labs: z.array(z.unknown()),
});
