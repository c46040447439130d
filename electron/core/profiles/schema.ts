// A lab profile: what an instructor defines and the catalog ships. Validated field by field so that a
// malformed profile is reported by name and field while the others still load.
import { z } from 'zod';
import { LAB_ID } from '../../api/contract';
import { CourseSettings } from './course';

/** Docker image references: [registry/]name[:tag][@digest], lower-case name parts. */
const IMAGE_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** Absolute container paths, without `..` segments or odd characters. */
const CONTAINER_PATH = z
  .string()
  .regex(/^\/(?:[A-Za-z0-9_.@+-]+\/?)*$/, 'an absolute path inside the container')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..');

export const Mount = z.object({
  /** Only course folders for now: read-only material beside the workspace. */
  kind: z.literal('course'),
  /** An absolute folder on the host (the instructor's copy of the course). */
  source: z.string().min(1).refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'an absolute host path'),
  target: CONTAINER_PATH,
  readOnly: z.literal(true, { message: 'course folders are always mounted read-only' }).default(true),
});
export type Mount = z.infer<typeof Mount>;

export const Profile = z.object({
  id: LAB_ID,
  title: z.string().min(1).max(80),
  description: z.string().max(500).default(''),
  image: z.string().regex(IMAGE_REF, 'a Docker image reference such as classlab/python:1'),
  /** A bundled Dockerfile folder, relative to the catalog. Without it, the image is pulled. */
  build: z
    .object({ context: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a folder name beside catalog.json') })
    .optional(),
  server: z
    .object({
      /** The notebook server command; it must listen on `socket`. Default: the image's own command. */
      command: z.array(z.string().min(1)).min(1).optional(),
      /** Unix socket the server listens on; ClassLab's gate forwards a loopback port to it. */
      socket: CONTAINER_PATH.default('/run/classlab/notebook.sock'),
      /** The unprivileged user the lab runs as (uid:gid). Never 0. */
      user: z
        .string()
        .regex(/^[1-9]\d{0,9}:[1-9]\d{0,9}$/, 'uid:gid of an unprivileged user, such as 1000:1000')
        .default('1000:1000'),
      /** Where the workspace is mounted; also the notebook's root folder. */
      workspace: CONTAINER_PATH.default('/home/student/work'),
      /** Seconds to wait for the notebook to answer before giving up. */
      startTimeoutSeconds: z.number().int().min(5).max(600).default(90),
    })
    .prefault({}),
  resources: z
    .object({
      memoryMiB: z.number().int().min(128).max(262144).default(2048),
      cpus: z.number().min(0.1).max(128).default(1),
      pids: z.number().int().min(32).max(32768).default(512),
      /**
       * The hard size limit of the workspace (a loop-backed ext4 file system per lab). Fixed when the
       * workspace is first made; a later change applies to new workspaces only.
       */
      diskMiB: z.number().int().min(32).max(1048576).default(2048),
    })
    .prefault({}),
  network: z.enum(['none', 'internet']).default('none'),
  /**
   * The container runtime: 'runc' (Docker's default), 'runsc' (gVisor, a user-space kernel between the lab
   * and the host's kernel), or 'auto': gVisor when the engine has it, runc otherwise.
   */
  runtime: z.enum(['auto', 'runc', 'runsc']).default('auto'),
  mounts: z.array(Mount).max(8).default([]),
  /** A course repository cloned into the workspace on first open and brought up to date by Sync. */
  course: CourseSettings.optional(),
  /** Stop the lab after this many idle minutes; 0 never. */
  idleMinutes: z.number().int().min(0).max(10080).default(60),
});
export type Profile = z.infer<typeof Profile>;

export const CatalogFile = z.object({
  schema: z.literal(1),
  labs: z.array(z.unknown()),
});
