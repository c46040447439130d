// The lab pack dialogs' pure parts: which drop is a lab pack, what a pack's summary and an import's
// outcome say, and which progress events move which bar.
import { describe, expect, it } from 'vitest';
import type { PackImage, PackProgress, PackSummary } from '../../electron/api/contract';
import { defaultSelection, EXPORT_CHOOSING, exportProblem, exportProgressed } from '../../renderer/src/packs/exportFlow';
import { IMPORT_IDLE, importProgressed, importRunning, uploadFraction, type ImportState } from '../../renderer/src/packs/importFlow';
import { choosePackFile } from '../../renderer/src/packs/packFile';
import {
  bytesToLoad,
  canImport,
  createdWords,
  imageName,
  imagesLine,
  importOutcome,
  labChangeWords,
  packLine,
  percentWords,
  signerWords,
  whereImported,
} from '../../renderer/src/packs/packWords';
import { labView } from '../support/fixtures';

const FP = `SHA256:${'A'.repeat(43)}`;
const image = (over: Partial<PackImage> = {}): PackImage => ({
  id: 'sha256:0123456789abcdef',
  tags: ['classlab/python:3'],
  bytes: 1_400_000_000,
  role: 'lab',
  present: false,
  ...over,
});
const summary = (over: Partial<PackSummary> = {}): PackSummary => ({
  fileName: 'python.classlab',
  bytes: 412_000_000,
  format: 1,
  classlabVersion: '0.1.0',
  created: '2026-12-02T05:31:00.000Z',
  labs: [{ id: 'python', title: 'Python notebook', description: '', image: 'classlab/python:3', change: 'new', course: false, exercises: 0 }],
  images: [image(), image({ id: 'sha256:fedcba9876543210', tags: ['classlab/gate:3'], bytes: 60_000_000, role: 'helper', present: true })],
  signer: { fingerprint: FP, trusted: false, own: false },
  ...over,
});
const progress = (over: Partial<PackProgress> = {}): PackProgress => ({
  job: 'import',
  stage: 'Loading images',
  fraction: 0.5,
  done: false,
  error: null,
  ...over,
});
const item = (name: string, bytes = 10, folder = false) => ({ name, bytes, folder });

describe('a dropped or picked file', () => {
  it('is taken when it is one non-empty .classlab file, whatever the case of its extension', () => {
    expect(choosePackFile([item('python.classlab')])).toEqual({ ok: true, item: item('python.classlab') });
    expect(choosePackFile([item('Week 3.CLASSLAB')]).ok).toBe(true);
  });

  it('is refused, saying why and what a lab pack is, when it is something else', () => {
    const problem = (items: ReturnType<typeof item>[]): string => {
      const c = choosePackFile(items);
      if (c.ok) throw new Error('taken');
      return c.problem;
    };
    expect(problem([item('notes.txt')])).toBe(
      '“notes.txt” is not a lab pack. A lab pack is one .classlab file, made by “Export lab pack…” on the instructor’s computer.',
    );
    expect(problem([item('.classlab')])).toMatch(/is not a lab pack/);
    expect(problem([item('python.classlab.zip')])).toMatch(/is not a lab pack/);
    expect(problem([item('packs.classlab', 0, true)])).toMatch(/^“packs.classlab” is a folder, not a lab pack\./);
    expect(problem([item('a.classlab'), item('b.classlab')])).toMatch(/^Drop one lab pack at a time \(that was 2 items\)\./);
    expect(problem([])).toMatch(/^Nothing to import/);
    expect(problem([item('python.classlab', 0)])).toMatch(/is empty \(0 bytes\)/);
  });
});

describe('what a pack holds, in words', () => {
  it('names the file, its size, the ClassLab that made it and when (in UTC, the same on every computer)', () => {
    expect(packLine(summary())).toBe('python.classlab · 412 MB · made by ClassLab 0.1.0 on 2 Dec 2026, 05:31 UTC');
    expect(createdWords('not a date')).toBe('not a date');
  });

  it('says what importing does to each lab', () => {
    expect(labChangeWords('new')).toEqual({ badge: 'New', note: null });
    expect(labChangeWords('update')).toMatchObject({
      badge: 'Update',
      note: expect.stringMatching(/its workspace is kept, and a running lab gets it at its next open/),
    });
    expect(labChangeWords('same')).toMatchObject({ badge: 'Already here', note: expect.stringMatching(/nothing changes/) });
  });

  it('counts only the images this engine lacks as what will be loaded', () => {
    const s = summary();
    expect(bytesToLoad(s.images)).toBe(1_400_000_000);
    expect(imagesLine(s.images)).toBe('2 images; 1.4 GB to load (1 image).');
    expect(imagesLine(s.images.map((i) => ({ ...i, present: true })))).toBe('2 images, all already on this computer: nothing to load.');
    expect(imagesLine([])).toBe('No images.');
  });

  it('names an image by its first tag, or by its short ID when it has none', () => {
    expect(imageName(image())).toBe('classlab/python:3');
    expect(imageName(image({ tags: [] }))).toBe('0123456789ab');
  });
});

describe('who signed it', () => {
  it('asks about an untrusted signer with the fingerprint in full, and import waits for the answer', () => {
    const s = summary();
    const w = signerWords(s.signer);
    expect(w.kind).toBe('untrusted');
    expect(w.question).toBe(`Trust lab packs signed by ${FP}?`);
    expect(w.detail).toBe('Nothing of the pack is loaded unless you trust its signer.');
    expect(canImport(s, false)).toBe(false);
    expect(canImport(s, true)).toBe(true);
  });

  it('asks nothing of a trusted signer or this computer’s own key', () => {
    expect(signerWords({ fingerprint: FP, trusted: true, own: false })).toMatchObject({ kind: 'trusted', question: null });
    expect(signerWords({ fingerprint: FP, trusted: true, own: true })).toMatchObject({ kind: 'own', headline: 'Signed by this computer’s own key.' });
    expect(canImport(summary({ signer: { fingerprint: FP, trusted: true, own: false } }), false)).toBe(true);
  });

  it('says plainly that an unsigned pack is refused unless this computer allows it (the core decides)', () => {
    const w = signerWords(null);
    expect(w).toMatchObject({ kind: 'unsigned', headline: 'This pack is not signed.', question: null });
    expect(w.detail).toMatch(/refuses unsigned packs unless its settings allow them/);
    expect(canImport(summary({ signer: null }), false)).toBe(true);
  });
});

describe('what an import did', () => {
  const two = summary({
    labs: [
      { id: 'python', title: 'Python notebook', description: '', image: 'classlab/python:3', change: 'new', course: true, exercises: 0 },
      { id: 'stats', title: 'Statistics', description: '', image: 'classlab/stats:1', change: 'update', course: false, exercises: 0 },
      { id: 'old', title: 'Old lab', description: '', image: 'classlab/old:1', change: 'same', course: false, exercises: 0 },
    ],
  });

  it('lists the labs added, updated and unchanged, and the images loaded', () => {
    expect(importOutcome(two, { labs: ['python', 'stats', 'old'], imagesLoaded: 2, imagesPresent: 1, unchanged: false })).toEqual([
      'Added: Python notebook.',
      'Updated: Statistics (workspaces kept; a running lab gets it at its next open).',
      'Unchanged: Old lab.',
      '2 images loaded, 1 image already on this computer.',
    ]);
  });

  it('says when no image had to be loaded', () => {
    expect(importOutcome(two, { labs: ['python'], imagesLoaded: 0, imagesPresent: 2, unchanged: false })).toEqual([
      'Added: Python notebook.',
      'No image to load: all 2 were already on this computer.',
    ]);
  });

  it('says where the labs are now', () => {
    expect(whereImported({ labs: ['python'], imagesLoaded: 0, imagesPresent: 0, unchanged: false })).toBe('The lab is in the launcher.');
    expect(whereImported({ labs: ['python', 'stats'], imagesLoaded: 0, imagesPresent: 0, unchanged: false })).toBe('The labs are in the launcher.');
  });

  it('says "nothing changed" for a pack installed before', () => {
    expect(importOutcome(two, { labs: ['python'], imagesLoaded: 0, imagesPresent: 2, unchanged: true })).toEqual([
      'Nothing changed: this exact pack was already installed.',
    ]);
  });
});

describe('the progress bars', () => {
  it('moves the import bar only with import events, and only while importing', () => {
    const importing: ImportState = { kind: 'importing', summary: summary(), progress: null, cancelling: false };
    expect(importProgressed(importing, progress())).toMatchObject({ progress: { stage: 'Loading images', fraction: 0.5 } });
    expect(importProgressed(importing, progress({ job: 'export' }))).toBe(importing);
    expect(importProgressed(IMPORT_IDLE, progress())).toBe(IMPORT_IDLE);
    expect(importRunning(importing)).toBe(true);
    expect(importRunning({ kind: 'summary', summary: summary(), trustAnswered: false })).toBe(false);
  });

  it('moves the export bar only with export events, and only while exporting', () => {
    const running = { kind: 'running' as const, progress: null, cancelling: false };
    expect(exportProgressed(running, progress({ job: 'export', stage: 'Saving classlab/python:3' }))).toMatchObject({
      progress: { stage: 'Saving classlab/python:3' },
    });
    expect(exportProgressed(running, progress())).toBe(running);
    expect(exportProgressed(EXPORT_CHOOSING, progress({ job: 'export' }))).toBe(EXPORT_CHOOSING);
  });

  it('words fractions as whole percents, and an empty upload as done', () => {
    expect(percentWords(0.456)).toBe('46%');
    expect(percentWords(null)).toBe('');
    expect(percentWords(1.2)).toBe('100%');
    expect(uploadFraction(50, 200)).toBe(0.25);
    expect(uploadFraction(0, 0)).toBe(1);
  });
});

describe('choosing labs to export', () => {
  it('offers every lab whose image is on this computer, and says why the others cannot go', () => {
    const labs = [
      labView(),
      labView({ id: 'r', phase: 'image-missing', source: 'pull' }),
      labView({ id: 'c', phase: 'building' }),
      labView({ id: 'd', phase: 'ready' }),
    ];
    expect(defaultSelection(labs)).toEqual(['python', 'd']);
    expect(exportProblem(labs[1]!)).toBe('its image is not on this computer yet: pull it first');
    expect(exportProblem(labs[2]!)).toBe('its image is being made');
  });
});
