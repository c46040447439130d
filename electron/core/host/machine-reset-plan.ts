// The list shown before a machine reset (host:resetPlan, `classlab reset --all` without --yes), made from
// what Docker listed and what the catalog holds: pure, so it is tested without an engine. The reset
// itself (machine-reset.ts) removes what this lists, in this order: containers, volumes, networks,
// then the images when asked.
import type { LabPhase, ResetObject, ResetOptions, ResetPlan } from '../../api/contract';
import { LABEL } from '../labs/naming';

/** A container, volume or network as Docker lists it (its name and labels). */
export interface ListedObject {
  kind: 'container' | 'volume' | 'network';
  name: string;
  labels: Record<string, string> | null | undefined;
}

export interface PlanInput {
  namespace: string;
  options: ResetOptions;
  /** The catalog's labs, in catalog order. */
  labs: { labId: string; title: string; phase: LabPhase; image: string }[];
  objects: ListedObject[];
  /** Images (by tag) that are on this engine now: of the catalog's images, only these can go. */
  presentImages: string[];
  backupsDir: string;
  /** Saved state that goes with the labs (folders or settings, as sentences or paths). */
  state: string[];
}

const KIND_ORDER = { container: 0, volume: 1, network: 2, image: 3 } as const;

/** The object belongs to this namespace: its `classlab.instance` label is exactly the namespace. */
export function ofNamespace(o: ListedObject, namespace: string): boolean {
  return o.labels?.[LABEL.instance] === namespace;
}

export function planReset(input: PlanInput): ResetPlan {
  const { namespace, options } = input;
  const ours = input.objects.filter((o) => ofNamespace(o, namespace));
  const objects: ResetObject[] = ours
    .map((o) => ({ kind: o.kind, name: o.name, labId: o.labels?.[LABEL.lab] ?? null, role: o.labels?.[LABEL.role] ?? null }))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name));

  const hasWorkspace = (labId: string) => objects.some((o) => o.kind === 'volume' && o.labId === labId && o.role === 'workspace');
  const known = new Set(input.labs.map((l) => l.labId));
  const orphanIds = [...new Set(objects.map((o) => o.labId).filter((id): id is string => id !== null && !known.has(id)))].sort();

  const labs: ResetPlan['labs'] = [
    ...input.labs.map((l) => {
      const workspace = hasWorkspace(l.labId);
      const reason = options.noBackup ? 'Backups were turned off for this reset.' : workspace ? null : 'It has no workspace yet: nothing to back up.';
      return { labId: l.labId, title: l.title, phase: l.phase, workspace, backup: workspace && !options.noBackup, noBackupReason: reason, orphan: false };
    }),
    ...orphanIds.map((labId) => {
      const workspace = hasWorkspace(labId);
      return {
        labId,
        title: labId,
        phase: null,
        workspace,
        backup: false,
        noBackupReason: workspace
          ? 'It belongs to no lab profile of this catalog, so ClassLab cannot open its workspace to back it up: its files are lost.'
          : 'It belongs to no lab profile of this catalog (left behind).',
        orphan: true,
      };
    }),
  ];

  if (options.images) {
    const present = new Set(input.presentImages);
    const images = [...new Set(input.labs.map((l) => l.image))].filter((i) => present.has(i)).sort();
    for (const image of images) {
      const users = input.labs.filter((l) => l.image === image).map((l) => l.labId);
      objects.push({ kind: 'image', name: image, labId: users.length === 1 ? users[0]! : null, role: 'lab-image' });
    }
  }

  const keeps = [
    'Lab packs and the catalog: the same labs are there afterwards, fresh.',
    "This machine's settings, its trust and the admin PIN.",
    `Every backup, in ${input.backupsDir}.`,
    "ClassLab's own helper images.",
  ];
  if (!options.images) keeps.push("The labs' images (nothing needs to be built or pulled again).");
  if (options.keepSignIns) keeps.push('The saved git sign-ins (tokens for course and student repositories).');

  return { namespace, options, labs, objects, backupsDir: input.backupsDir, state: input.state, keeps };
}

/** Whether anything of the namespace is left in a listing taken after a reset. */
export function leftBehind(objects: ListedObject[], namespace: string): ResetObject[] {
  return planReset({ namespace, options: { images: false, noBackup: true }, labs: [], objects, presentImages: [], backupsDir: '', state: [] }).objects;
}
