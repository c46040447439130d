// What a lab pack holds and what importing it did, in the words the import dialog shows. Pure, so the
// wording is tested without a browser.
import type { PackExport, PackImage, PackImportResult, PackLab, PackSigner, PackSummary } from '../../../electron/api/contract';
import { formatBytes } from '../../../electron/api/units';

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** "2 Dec 2026, 05:31 UTC", or the text as it came when it is not a date. */
export function createdWords(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${dateFormat.format(ms)} UTC`;
}

/** The pack file in one line: name, size, which ClassLab made it and when. */
export const packLine = (s: PackSummary): string =>
  `${s.fileName} · ${formatBytes(s.bytes)} · made by ClassLab ${s.classlabVersion} on ${createdWords(s.created)}`;

/** What importing does to one lab: a short badge, and a note where it needs one. */
export function labChangeWords(change: PackLab['change']): { badge: string; note: string | null } {
  switch (change) {
    case 'new':
      return { badge: 'New', note: null };
    case 'update':
      return { badge: 'Update', note: 'Replaces the lab of this name on this computer; its workspace is kept, and a running lab gets it at its next open.' };
    case 'same':
      return { badge: 'Already here', note: 'This computer has this exact lab already: nothing changes.' };
  }
}

/** An image by its first tag, or its short ID when it has none. */
export const imageName = (image: PackImage): string => image.tags[0] ?? image.id.replace(/^sha256:/, '').slice(0, 12);

export const imageStatusWords = (image: PackImage): string => `${formatBytes(image.bytes)} · ${image.present ? 'already on this computer' : 'to load'}`;

/** Bytes of the images this engine does not have yet: what the import will load. */
export const bytesToLoad = (images: readonly PackImage[]): number => images.filter((i) => !i.present).reduce((sum, i) => sum + i.bytes, 0);

export function imagesLine(images: readonly PackImage[]): string {
  const missing = images.filter((i) => !i.present).length;
  if (images.length === 0) return 'No images.';
  if (missing === 0) return `${count(images.length, 'image')}, all already on this computer: nothing to load.`;
  return `${count(images.length, 'image')}; ${formatBytes(bytesToLoad(images))} to load (${count(missing, 'image')}).`;
}

export type SignerKind = 'own' | 'trusted' | 'untrusted' | 'unsigned';

export interface SignerWords {
  kind: SignerKind;
  headline: string;
  detail: string;
  /** The question to answer before importing (an untrusted signer), or null. */
  question: string | null;
}

export function signerWords(signer: PackSigner | null): SignerWords {
  if (!signer) {
    return {
      kind: 'unsigned',
      headline: 'This pack is not signed.',
      detail: 'Nobody vouches for what it holds, and any change to it would go unnoticed. This computer refuses unsigned packs unless its settings allow them.',
      question: null,
    };
  }
  if (signer.own) {
    return { kind: 'own', headline: 'Signed by this computer’s own key.', detail: 'This computer exported it.', question: null };
  }
  if (signer.trusted) {
    return {
      kind: 'trusted',
      headline: 'Signed by a key this computer trusts.',
      detail: 'Every part is checked against the signature before anything is loaded.',
      question: null,
    };
  }
  return {
    kind: 'untrusted',
    headline: 'Signed by a key this computer does not trust yet.',
    detail: 'Nothing of the pack is loaded unless you trust its signer.',
    question: `Trust lab packs signed by ${signer.fingerprint}?`,
  };
}

/** Import may be pressed: an untrusted signer needs the trust question answered first. */
export const canImport = (summary: PackSummary, trustAnswered: boolean): boolean => signerWords(summary.signer).kind !== 'untrusted' || trustAnswered;

/** What an import did, one line each: the labs added, updated and unchanged, and the images. */
export function importOutcome(summary: PackSummary, result: PackImportResult): string[] {
  if (result.unchanged) return ['Nothing changed: this exact pack was already installed.'];
  const titleOf = (id: string): string => summary.labs.find((l) => l.id === id)?.title ?? id;
  const changeOf = (id: string): PackLab['change'] => summary.labs.find((l) => l.id === id)?.change ?? 'new';
  const group = (change: PackLab['change']): string[] => result.labs.filter((id) => changeOf(id) === change).map(titleOf);
  const lines: string[] = [];
  const added = group('new');
  const updated = group('update');
  const same = group('same');
  if (added.length > 0) lines.push(`Added: ${added.join(', ')}.`);
  if (updated.length > 0) lines.push(`Updated: ${updated.join(', ')} (workspaces kept; a running lab gets it at its next open).`);
  if (same.length > 0) lines.push(`Unchanged: ${same.join(', ')}.`);
  if (result.imagesLoaded === 0 && result.imagesPresent > 0)
    lines.push(`No image to load: ${result.imagesPresent === 1 ? 'it was' : `all ${result.imagesPresent} were`} already on this computer.`);
  else if (result.imagesLoaded > 0)
    lines.push(`${count(result.imagesLoaded, 'image')} loaded, ${count(result.imagesPresent, 'image')} already on this computer.`);
  return lines;
}

/** Where the imported labs are now. */
export const whereImported = (result: PackImportResult): string => (result.labs.length === 1 ? 'The lab is in the launcher.' : 'The labs are in the launcher.');

export const exportLine = (done: PackExport): string => `${done.fileName} is ready (${formatBytes(done.bytes)}).`;

/** "45%", or the empty string while the fraction is unknown. */
export const percentWords = (fraction: number | null): string => (fraction === null ? '' : `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`);

function count(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}
