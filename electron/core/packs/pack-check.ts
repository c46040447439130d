// Reading and checking a pack before anything of it is loaded. Three steps, each refusing with a clear
// PACK_INVALID or PACK_UNTRUSTED and changing nothing:
//   openPack      the archive's structure (pack-file.ts), the manifest's format and schema, the signature
//                 (inspect stops here: it reads a few kilobytes of a 1 GB pack)
//   checkContents who signed it against this computer's trust; every part the manifest lists is in the
//                 archive with its size and nothing else is; images, layers and labs agree; each profile
//                 passes the untrusted-profile rules and names only its own image; image configs match
//                 their IDs
//   checkDigests  the SHA-256 of every byte of every part
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LabError } from '../../api/errors';
import type { Profile } from '../profiles/schema';
import { parseCatalog, withMountChecks } from '../profiles/catalog';
import type { HostPolicy } from '../profiles/mount-policy';
import { GATE_IMAGE } from '../sandbox/policy';
import type { MachineTrust } from '../trust/machine-trust';
import { diffIdsOf } from './image-save';
import { entryChunks, indexPack, packInvalid, readEntry, type PackEntry } from './pack-file';
import {
  configPart,
  EXERCISE_PART_NAME,
  exercisePartCap,
  layerPart,
  Manifest,
  MANIFEST_ENTRY,
  ManifestHead,
  MAX_CONFIG_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_SIGNATURE_BYTES,
  PACK_FORMAT,
  Signature,
  SIGNATURE_ENTRY,
} from './pack-format';
import { verifiedSigner } from './pack-signing';

export interface OpenPack {
  file: string;
  handle: FileHandle;
  bytes: number;
  entries: Map<string, PackEntry>;
  manifest: Manifest;
  /** SHA-256 (hex) of the manifest's bytes: the pack's identity. */
  manifestSha256: string;
  /** The verified signer's fingerprint; null for an unsigned pack. */
  signer: string | null;
}

export async function openPack(file: string): Promise<OpenPack> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LabError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_REQUEST', `Cannot open the pack ${file}: ${(err as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw packInvalid(`${file} is not a file.`);
    const entries = await indexPack(handle);
    const manifestEntry = entries.get(MANIFEST_ENTRY);
    if (!manifestEntry) throw packInvalid('This file has no lab pack manifest: it is not a ClassLab lab pack, or it is cut short.');
    const raw = await readEntry(handle, manifestEntry, MAX_MANIFEST_BYTES);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw packInvalid("The pack's manifest is not valid JSON: the pack is damaged.");
    }
    const head = ManifestHead.safeParse(json);
    if (!head.success) throw packInvalid('This file is not a ClassLab lab pack (its manifest says another kind).');
    if (head.data.format > PACK_FORMAT)
      throw packInvalid(
        `This pack was made by a newer ClassLab (pack format ${head.data.format}; this ClassLab reads format ${PACK_FORMAT}). Update ClassLab, then import it.`,
      );
    const manifest = Manifest.safeParse(json);
    if (!manifest.success) {
      const issue = manifest.error.issues[0];
      throw packInvalid(`The pack's manifest is malformed (${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'}).`);
    }
    let signer: string | null = null;
    const sigEntry = entries.get(SIGNATURE_ENTRY);
    if (sigEntry) {
      let sig: Signature;
      try {
        sig = Signature.parse(JSON.parse((await readEntry(handle, sigEntry, MAX_SIGNATURE_BYTES)).toString('utf8')));
      } catch {
        throw packInvalid("The pack's signature is malformed: the pack is damaged.");
      }
      signer = verifiedSigner(raw, sig);
      if (!signer) throw packInvalid('The pack\u2019s signature does not match its contents: the pack was changed after it was signed. Ask for a fresh copy.');
    }
    return { file, handle, bytes: stat.size, entries, manifest: manifest.data, manifestSha256: createHash('sha256').update(raw).digest('hex'), signer };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

export interface TrustContext {
  trust: MachineTrust;
  /** This computer's own signing key, when it has one. */
  own: string | null;
  /** The user answered "trust this signer" for this import. */
  trustSigner: boolean;
}

/** Null when this computer accepts the pack's signer, else why not. */
export function signerRefusal(signer: string | null, ctx: TrustContext): string | null {
  if (!signer) {
    return ctx.trust.unsignedPacks
      ? null
      : 'This lab pack is not signed, so nobody can tell who made it or whether it was changed. Ask your instructor for a signed pack (ClassLab signs every pack it exports).';
  }
  if (signer === ctx.own || ctx.trust.packSigners.includes(signer) || ctx.trustSigner) return null;
  return `This lab pack is signed by ${signer}, a signer this computer does not trust yet. Compare the fingerprint with the one your instructor gave you, then import again and trust it (classlab pack import FILE --trust-signer ${signer}).`;
}

export interface CheckedPack extends OpenPack {
  profiles: Profile[];
  /** Each image's config bytes, checked against its ID. */
  configs: Map<string, Buffer>;
}

export interface ContentRules {
  policy: HostPolicy;
  /** The image each lab of this computer uses now, by lab id: a pack may not take another lab's image name. */
  imagesInUse: Map<string, string>;
}

export async function checkContents(pack: OpenPack, ctx: TrustContext, rules: ContentRules): Promise<CheckedPack> {
  const refusal = signerRefusal(pack.signer, ctx);
  if (refusal) throw new LabError('PACK_UNTRUSTED', refusal);
  const { manifest, entries } = pack;

  // Every part listed is there with its size; nothing else is.
  for (const [name, part] of Object.entries(manifest.parts)) {
    const entry = entries.get(name);
    if (!entry) throw packInvalid(`The pack's manifest lists ${name}, which the pack does not carry: the pack is incomplete.`);
    if (entry.size !== part.size) throw packInvalid(`The pack's ${name} is ${entry.size} bytes, not the ${part.size} its manifest lists: the pack is damaged.`);
  }
  for (const name of entries.keys()) {
    if (name !== MANIFEST_ENTRY && name !== SIGNATURE_ENTRY && !manifest.parts[name])
      throw packInvalid(`The pack holds ${name}, which its manifest does not list.`);
  }

  // Images: their configs and layers are all carried, and the configs match their IDs.
  const configs = new Map<string, Buffer>();
  const imageIds = new Set<string>();
  for (const image of manifest.images) {
    if (imageIds.has(image.id)) throw packInvalid(`The pack lists the image ${image.id} twice.`);
    imageIds.add(image.id);
    const entry = entries.get(configPart(image.id));
    if (!entry || !manifest.parts[configPart(image.id)])
      throw packInvalid(`The pack's manifest names the image ${image.tags[0] ?? image.id} but does not carry it.`);
    const config = await readEntry(pack.handle, entry, MAX_CONFIG_BYTES);
    if (`sha256:${createHash('sha256').update(config).digest('hex')}` !== image.id)
      throw packInvalid(`The config of the image ${image.tags[0] ?? image.id} does not match its ID: the pack was changed.`);
    const diffIds = diffIdsOf(config);
    if (diffIds.length !== image.layers.length || diffIds.some((d, i) => d !== image.layers[i]))
      throw packInvalid(`The pack's manifest lists other layers for ${image.tags[0] ?? image.id} than its config does.`);
    for (const d of image.layers) {
      if (!manifest.layers[d] || !manifest.parts[layerPart(d)]) throw packInvalid(`The pack's manifest names the layer ${d} but the pack does not carry it.`);
    }
    configs.set(image.id, config);
    if (image.role === 'helper' && !(image.tags.length === 0 || (image.tags.length === 1 && image.tags[0] === GATE_IMAGE)))
      throw packInvalid(`The pack's helper image may only be ClassLab's gate (${GATE_IMAGE}).`);
  }

  // Labs: each profile passes the untrusted-profile rules, names its own image, and takes no other lab's image name.
  const parsed = parseCatalog({ schema: 1, labs: manifest.labs.map((l) => l.profile) });
  const checked = await withMountChecks(parsed, rules.policy);
  if (checked.problems.length) {
    const list = checked.problems.map((p) => `${p.profile} ${p.field}: ${p.message}`).join('; ');
    throw packInvalid(`The pack's labs break this computer's rules for lab profiles, so nothing was imported: ${list}`);
  }
  const labTags = new Set<string>();
  for (const [i, lab] of manifest.labs.entries()) {
    const profile = checked.profiles[i] as Profile;
    if (profile.build) throw packInvalid(`The pack's lab ${profile.id} names a build folder; a pack carries its image instead.`);
    const image = manifest.images.find((img) => img.id === lab.image);
    if (!image || image.role !== 'lab') throw packInvalid(`The pack's lab ${profile.id} names an image the pack does not carry.`);
    if (!image.tags.includes(profile.image))
      throw packInvalid(`The pack's lab ${profile.id} uses ${profile.image}, which is not its image's name in the pack.`);
    if (profile.course && !lab.course) throw packInvalid(`The pack's lab ${profile.id} names a course repository but the pack carries no copy of it.`);
    if (lab.course && !manifest.parts[lab.course]) throw packInvalid(`The pack's manifest names a course copy for ${profile.id} that it does not carry.`);
    for (const [otherLab, otherImage] of rules.imagesInUse) {
      if (otherImage === profile.image && !manifest.labs.some((l) => l.profile.id === otherLab))
        throw packInvalid(`The pack's lab ${profile.id} would take the image name ${profile.image} of this computer's lab ${otherLab}.`);
    }
    labTags.add(profile.image);
  }
  checkExerciseEntries(manifest, entries);
  // A lab image is loaded only under the names its labs use: no pack can re-tag another image (a base
  // image ClassLab builds from, another lab's image) by listing it.
  for (const image of manifest.images) {
    if (image.role === 'lab' && image.tags.some((t) => !labTags.has(t))) throw packInvalid(`The pack's image ${image.id} carries names none of its labs use.`);
  }
  return { ...pack, profiles: checked.profiles, configs };
}

/**
 * The exercises the manifest lists: each id once per lab, each part used once and carried, no larger than
 * the folder install allows (checked here, before a byte of it is read), and no exercise part that no lab
 * lists. Their contents are checked by the exercise schema later (pack-exercises.ts).
 */
function checkExerciseEntries(manifest: Manifest, entries: Map<string, PackEntry>): void {
  const used = new Set<string>();
  for (const lab of manifest.labs) {
    const labId = String(lab.profile.id);
    const ids = new Set<string>();
    for (const ex of lab.exercises) {
      if (ids.has(ex.id)) throw packInvalid(`The pack lists the exercise ${ex.id} of ${labId} twice.`);
      ids.add(ex.id);
      for (const name of [ex.exercise, ex.statement]) {
        if (used.has(name)) throw packInvalid(`The pack's exercise ${ex.id} of ${labId} shares ${name} with another exercise.`);
        used.add(name);
        const entry = entries.get(name);
        if (!entry || !manifest.parts[name]) throw packInvalid(`The pack's manifest names the exercise ${ex.id} of ${labId} but does not carry it.`);
        if (entry.size > exercisePartCap(name))
          throw packInvalid(`The pack's exercise ${ex.id} of ${labId} is too large (${name}: ${entry.size} bytes, at most ${exercisePartCap(name)}).`);
      }
      if (!ex.exercise.endsWith('.json') || !ex.statement.endsWith('.md'))
        throw packInvalid(`The pack's exercise ${ex.id} of ${labId} names its parts the wrong way round.`);
    }
  }
  for (const name of Object.keys(manifest.parts)) {
    if (EXERCISE_PART_NAME.test(name) && !used.has(name)) throw packInvalid(`The pack holds ${name}, which no lab's exercise uses.`);
  }
}

/** Reads every part and compares its SHA-256 with the signed manifest's. */
export async function checkDigests(pack: OpenPack, onBytes: (done: number, total: number) => void, signal: AbortSignal): Promise<void> {
  const total = Object.values(pack.manifest.parts).reduce((n, p) => n + p.size, 0);
  let done = 0;
  for (const [name, part] of Object.entries(pack.manifest.parts)) {
    const hash = createHash('sha256');
    for await (const chunk of entryChunks(pack.handle, pack.entries.get(name) as PackEntry, signal)) {
      hash.update(chunk);
      done += chunk.length;
      onBytes(done, total);
    }
    if (hash.digest('hex') !== part.sha256)
      throw packInvalid(`${partLabel(pack.manifest, name)} does not match its digest (${name}): the pack was changed or damaged. Ask for a fresh copy.`);
  }
}

/** A part as a person reads it: "A layer of classlab/python:3 in the pack", "The course copy of python in the pack". */
export function partLabel(manifest: Manifest, name: string): string {
  const imageName = (match: (i: Manifest['images'][number]) => boolean) => {
    const image = manifest.images.find(match);
    return image ? (image.tags[0] ?? image.id.slice(0, 19)) : 'an image';
  };
  if (name.startsWith('layers/')) return `A layer of ${imageName((i) => i.layers.some((d) => layerPart(d) === name))} in the pack`;
  if (name.startsWith('images/')) return `The config of ${imageName((i) => configPart(i.id) === name)} in the pack`;
  for (const l of manifest.labs) {
    const ex = l.exercises.find((e) => e.exercise === name || e.statement === name);
    if (ex) return `The exercise ${ex.id} of ${String(l.profile.id)} in the pack`;
  }
  const lab = manifest.labs.find((l) => l.course === name);
  return lab ? `The course copy of ${String(lab.profile.id)} in the pack` : `The pack's ${name}`;
}
