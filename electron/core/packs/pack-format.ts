// The lab pack's format, version 2 (version 1 is still read: it is version 2 without exercises): what a .classlab file may hold, as schemas. A pack is hostile input
// until its signature and every digest are checked (verify.ts), so every name, count and size is bounded.
//
// The file is a plain ustar archive (pack-file.ts) of parts, then the manifest, then its signature:
//   layers/<diff id hex>.tar.zst   one image layer, as zstd frames of at most FRAME_BYTES each
//   images/<image id hex>.json      one image's config (its ID is the SHA-256 of these bytes)
//   courses/<lab id>.bundle         a git bundle of a lab's course branch (the first sync works offline)
//   exercises/<n>.json, <n>.md      an installed exercise of a lab (format 2): its exercise.json and
//                                   statement.md, hidden tests included (installed on the host only)
//   manifest.json                   this schema; lists every part with its size and SHA-256
//   signature.json                  the Ed25519 signature of manifest.json's exact bytes
// Layers are stored once per diff ID, so images that share a base share its bytes, and an import sends
// the engine only the layers it lacks.
import { z } from 'zod';
import { EXERCISE_ID, LAB_ID } from '../../api/contract';
import { MAX_EXERCISE_BYTES, MAX_STATEMENT_BYTES } from '../exercises/schema';

/**
 * 2 added exercises. A ClassLab that reads only 1 refuses a format-2 pack by name ("update ClassLab")
 * instead of failing on an entry name it does not know; format-1 packs are still imported.
 */
export const PACK_FORMAT = 2;
export const OLDEST_PACK_FORMAT = 1;
/** Exercises per lab in one pack (each up to 8 MiB + 256 KiB, read whole while the pack is checked). */
export const MAX_PACK_EXERCISES = 200;
export const MANIFEST_ENTRY = 'manifest.json';
export const SIGNATURE_ENTRY = 'signature.json';
export const PACK_EXTENSION = '.classlab';

/** Input bytes per zstd frame: each frame is compressed and checked on its own, and bounds what one frame may expand to. */
export const FRAME_BYTES = 4 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
export const MAX_SIGNATURE_BYTES = 4096;

const HEX64 = /^[a-f0-9]{64}$/;
export const DIGEST = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'a sha256: digest');
export const SHA256_HEX = z.string().regex(HEX64, 'a SHA-256 in hex');

/** The only names an entry of a pack may have. */
export const PART_NAME =
  /^(?:layers\/[a-f0-9]{64}\.tar\.zst|images\/[a-f0-9]{64}\.json|courses\/[a-z][a-z0-9-]{0,39}\.bundle|exercises\/[0-9]{1,5}\.(?:json|md))$/;
/** An exercise's parts are numbered, not named by lab and id: a ustar name holds at most 99 bytes. */
export const EXERCISE_PART_NAME = /^exercises\/[0-9]{1,5}\.(?:json|md)$/;

export function layerPart(diffId: string): string {
  return `layers/${diffId.slice('sha256:'.length)}.tar.zst`;
}
export function configPart(imageId: string): string {
  return `images/${imageId.slice('sha256:'.length)}.json`;
}
export function coursePart(labId: string): string {
  return `courses/${labId}.bundle`;
}
export function exerciseParts(n: number): { exercise: string; statement: string } {
  return { exercise: `exercises/${n}.json`, statement: `exercises/${n}.md` };
}
/** The largest an exercise's part may be: the folder install's caps (exercises/schema.ts). */
export function exercisePartCap(name: string): number {
  return name.endsWith('.json') ? MAX_EXERCISE_BYTES : MAX_STATEMENT_BYTES;
}

export const PackExerciseEntry = z.object({
  id: EXERCISE_ID,
  /** The parts holding its exercise.json and statement.md. */
  exercise: z.string().regex(EXERCISE_PART_NAME),
  statement: z.string().regex(EXERCISE_PART_NAME),
});
export type PackExerciseEntry = z.infer<typeof PackExerciseEntry>;

export const PackPart = z.object({ size: z.number().int().min(0), sha256: SHA256_HEX });
export type PackPart = z.infer<typeof PackPart>;

export const PackLayer = z.object({
  /** The layer's uncompressed size: the import stops a layer that expands past it (a compression bomb). */
  size: z.number().int().min(0),
  /** Compressed size of each zstd frame, in order; each frame expands to at most FRAME_BYTES. */
  frames: z.array(z.number().int().min(1)).max(1 << 20),
});
export type PackLayer = z.infer<typeof PackLayer>;

export const PackImageEntry = z.object({
  id: DIGEST,
  /** The tags the image is loaded under; a lab's profile names one of them. */
  tags: z.array(z.string().max(256)).max(8),
  /** 'helper': ClassLab's gate image, for a PC that cannot build its own (see packs/helper-import.ts). */
  role: z.enum(['lab', 'helper']),
  /** Diff IDs, bottom layer first, exactly as the image's config lists them. */
  layers: z.array(DIGEST).min(1).max(256),
});
export type PackImageEntry = z.infer<typeof PackImageEntry>;

export const PackLabEntry = z.object({
  /** The profile as it will be installed: checked by the same untrusted-profile rules as any catalog. */
  profile: z.record(z.string(), z.unknown()).refine((p) => LAB_ID.safeParse(p.id).success, 'a profile with a lab id'),
  image: DIGEST,
  /** The course bundle's part, when the profile names a course repository. */
  course: z.string().regex(PART_NAME).nullable(),
  /** The lab's exercises (format 2; none in a format-1 pack). */
  exercises: z.array(PackExerciseEntry).max(MAX_PACK_EXERCISES).default([]),
});
export type PackLabEntry = z.infer<typeof PackLabEntry>;
export type PackLabEntryInput = z.input<typeof PackLabEntry>;

/** Read first, before the rest of the schema: a newer format is refused by name, not by a field it adds. */
export const ManifestHead = z.object({ kind: z.literal('classlab-pack'), format: z.number().int().min(1) });

export const Manifest = z
  .object({
    kind: z.literal('classlab-pack'),
    format: z.union([z.literal(OLDEST_PACK_FORMAT), z.literal(PACK_FORMAT)]),
    /** The ClassLab version that made the pack. */
    classlab: z.string().max(64),
    created: z.string().max(64),
    labs: z.array(PackLabEntry).min(1).max(32),
    images: z.array(PackImageEntry).min(1).max(64),
    layers: z.record(DIGEST, PackLayer),
    parts: z.record(z.string().regex(PART_NAME), PackPart),
  })
  .refine((m) => m.format >= 2 || m.labs.every((l) => l.exercises.length === 0), {
    message: 'a format-1 pack carries no exercises',
    path: ['labs'],
  });
export type Manifest = z.infer<typeof Manifest>;

export const Signature = z.object({
  format: z.literal(1),
  algorithm: z.literal('ed25519'),
  /** The signer's raw 32-byte Ed25519 public key, base64. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  /** The signature of manifest.json's bytes, base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type Signature = z.infer<typeof Signature>;
