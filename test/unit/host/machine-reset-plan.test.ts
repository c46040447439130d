// The machine reset's plan from listed objects (machine-reset-plan.ts): pure, no engine.
import { describe, expect, it } from 'vitest';
import { ResetPlan } from '../../../electron/api/contract';
import { leftBehind, planReset, type ListedObject, type PlanInput } from '../../../electron/core/host/machine-reset-plan';

const ns = 'room-a';
const l = (lab: string | null, role: string, instance = ns) => ({
  'classlab.instance': instance,
  ...(lab ? { 'classlab.lab': lab } : {}),
  'classlab.role': role,
});
const objects: ListedObject[] = [
  { kind: 'volume', name: `${ns}-py-workspace`, labels: l('py', 'workspace') },
  { kind: 'volume', name: `${ns}-py-disk`, labels: l('py', 'disk') },
  { kind: 'container', name: `${ns}-py`, labels: l('py', 'lab') },
  { kind: 'container', name: `${ns}-py-gate`, labels: l('py', 'gate') },
  { kind: 'network', name: `${ns}-gates`, labels: l(null, 'gates') },
  { kind: 'volume', name: `${ns}-ghost-workspace`, labels: l('ghost', 'workspace') },
  // Another ClassLab on the same engine, and one whose namespace merely starts with ours.
  { kind: 'container', name: 'other-py', labels: l('py', 'lab', 'other') },
  { kind: 'volume', name: `${ns}-x-py-workspace`, labels: l('py', 'workspace', `${ns}-x`) },
  { kind: 'volume', name: 'unlabelled', labels: null },
];
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  namespace: ns,
  options: { images: false, noBackup: false },
  labs: [
    { labId: 'py', title: 'Python', phase: 'ready', image: 'classlab/python:3' },
    { labId: 'r', title: 'R', phase: 'stopped', image: 'classlab/r:1' },
  ],
  objects,
  presentImages: ['classlab/python:3'],
  backupsDir: '/data/backups',
  state: ['git state'],
  ...over,
});

describe('planReset', () => {
  it("lists only this namespace's objects, containers first, and is a valid contract value", () => {
    const plan = ResetPlan.parse(planReset(input()));
    expect(plan.objects.map((o) => `${o.kind} ${o.name}`)).toEqual([
      `container ${ns}-py`,
      `container ${ns}-py-gate`,
      `volume ${ns}-ghost-workspace`,
      `volume ${ns}-py-disk`,
      `volume ${ns}-py-workspace`,
      `network ${ns}-gates`,
    ]);
    expect(plan.backupsDir).toBe('/data/backups');
    expect(plan.state).toEqual(['git state']);
  });

  it('backs up the labs with a workspace, says why not for the others, and lists an orphan lab without a backup', () => {
    const plan = planReset(input());
    expect(plan.labs).toEqual([
      { labId: 'py', title: 'Python', phase: 'ready', workspace: true, backup: true, noBackupReason: null, orphan: false },
      expect.objectContaining({ labId: 'r', workspace: false, backup: false, orphan: false, noBackupReason: expect.stringMatching(/no workspace/) }),
      expect.objectContaining({ labId: 'ghost', workspace: true, backup: false, orphan: true, phase: null, noBackupReason: expect.stringMatching(/lost/) }),
    ]);
  });

  it('backs up nothing with noBackup', () => {
    const plan = planReset(input({ options: { images: false, noBackup: true } }));
    expect(plan.labs.filter((x) => x.backup)).toEqual([]);
    expect(plan.labs[0]!.noBackupReason).toMatch(/turned off/);
  });

  it('adds the present images of the catalog only when asked, and says images stay otherwise', () => {
    expect(planReset(input()).objects.some((o) => o.kind === 'image')).toBe(false);
    expect(planReset(input()).keeps.join(' ')).toMatch(/images/);
    const plan = planReset(input({ options: { images: true, noBackup: false } }));
    // classlab/r:1 is not on this engine: nothing to remove.
    expect(plan.objects.filter((o) => o.kind === 'image')).toEqual([{ kind: 'image', name: 'classlab/python:3', labId: 'py', role: 'lab-image' }]);
    expect(plan.objects.at(-1)!.kind).toBe('image');
  });

  it('finds what is left of the namespace after a reset, and nothing of others', () => {
    expect(leftBehind(objects.slice(6), ns)).toEqual([]);
    expect(leftBehind(objects.slice(4, 7), ns).map((o) => o.name)).toEqual([`${ns}-ghost-workspace`, `${ns}-gates`]);
  });
});
