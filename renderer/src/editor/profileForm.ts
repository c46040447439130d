// The profile editor's form model: the form's text fields as a profile draft for the core, and the core's
// checks (the profile schema's issues, by path) as messages beside the fields they are about. Pure: the
// checks themselves are the schema's, run by profiles:check, never a second copy here. The only rules of
// its own are about reading a text field at all (a number field that holds no number).
import { NEW_LAB_RESOURCES, type LabLayout, type NewLabResources, type ProfileDraft, type ProfileProblem } from '../../../electron/api/contract';

/** Where the lab's image comes from: built on a bundled lab, a public image pulled by name, or its own bundled Dockerfile folder (kept as it is). */
export type ImageSource = 'base' | 'image' | 'folder';

export interface MountRow {
  source: string;
  target: string;
}

export interface ProfileForm {
  id: string;
  title: string;
  description: string;
  source: ImageSource;
  base: string;
  image: string;
  /** The Dockerfile folder of a bundled lab (source 'folder'): not editable, kept. */
  context: string;
  /** Extra Debian packages, one per line (apt.txt: blank lines and # comments are left out). */
  packages: string;
  /** Expert Dockerfile lines, as typed. */
  lines: string;
  memoryMiB: string;
  cpus: string;
  pids: string;
  diskMiB: string;
  network: 'none' | 'internet';
  idleMinutes: string;
  layout: LabLayout;
  courseUrl: string;
  courseBranch: string;
  courseFolder: string;
  courseSyncOnOpen: boolean;
  mounts: MountRow[];
  /** The profile's other fields (server, runtime), carried through unchanged. */
  rest: Record<string, unknown>;
}

export const FIELDS = [
  'id',
  'title',
  'description',
  'source',
  'base',
  'image',
  'packages',
  'lines',
  'memoryMiB',
  'cpus',
  'pids',
  'diskMiB',
  'network',
  'idleMinutes',
  'layout',
  'courseUrl',
  'courseBranch',
  'courseFolder',
  'mounts',
  'other',
] as const;
export type Field = (typeof FIELDS)[number];
export type FieldErrors = Partial<Record<Field, string[]>>;

const NUMBER_FIELDS = ['memoryMiB', 'cpus', 'pids', 'diskMiB', 'idleMinutes'] as const;

/** A new lab's form; `resources`: this machine's newLabResources setting (else ClassLab's defaults). */
export function blankForm(source: ImageSource = 'base', base = '', resources: NewLabResources = NEW_LAB_RESOURCES): ProfileForm {
  return {
    id: '',
    title: '',
    description: '',
    source,
    base,
    image: '',
    context: '',
    packages: '',
    lines: '',
    memoryMiB: String(resources.memoryMiB),
    cpus: String(resources.cpus),
    pids: String(resources.pids),
    diskMiB: String(resources.diskMiB),
    network: 'none',
    idleMinutes: '60',
    layout: 'notebook',
    courseUrl: '',
    courseBranch: 'main',
    courseFolder: 'course',
    courseSyncOnOpen: false,
    mounts: [],
    rest: {},
  };
}

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A profile (as profiles:get gives it) in the form's fields. */
export function formFromProfile(profile: Record<string, unknown>): ProfileForm {
  const { id, title, description, image, build, resources, network, idleMinutes, layout, course, mounts, ...rest } = profile;
  const b = record(build);
  const r = record(resources);
  const c = record(course);
  const blank = blankForm();
  const source: ImageSource = !build ? 'image' : b.context ? 'folder' : 'base';
  return {
    ...blank,
    id: text(id),
    title: text(title),
    description: text(description),
    source,
    base: text(b.base),
    image: source === 'base' ? '' : text(image),
    context: text(b.context),
    packages: strings(b.packages).join('\n'),
    lines: strings(b.lines).join('\n'),
    memoryMiB: text(r.memoryMiB, blank.memoryMiB),
    cpus: text(r.cpus, blank.cpus),
    pids: text(r.pids, blank.pids),
    diskMiB: text(r.diskMiB, blank.diskMiB),
    network: network === 'internet' ? 'internet' : 'none',
    idleMinutes: text(idleMinutes, blank.idleMinutes),
    layout: layout === 'terminal' ? 'terminal' : 'notebook',
    courseUrl: text(c.url),
    courseBranch: text(c.branch, blank.courseBranch),
    courseFolder: text(c.folder, blank.courseFolder),
    courseSyncOnOpen: c.syncOnOpen === true,
    mounts: (Array.isArray(mounts) ? mounts : []).map((m) => ({ source: text(record(m).source), target: text(record(m).target) })),
    rest,
  };
}

/** apt.txt: one name per line, blank lines and # comments left out, each name once. */
export function packageLines(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line && !out.includes(line)) out.push(line);
  }
  return out;
}

/** Dockerfile lines as typed, without the empty lines at the end. */
export function dockerfileLines(value: string): string[] {
  const lines = value.split(/\r?\n/);
  while (lines.length && !lines[lines.length - 1]?.trim()) lines.pop();
  return lines;
}

/** A number field: '' is "the default", a number is that number, anything else stays text (and is a field error). */
function numberOf(value: string): number | string | undefined {
  const t = value.trim();
  if (!t) return undefined;
  return /^-?\d+(?:\.\d+)?$/.test(t) ? Number(t) : t;
}

/** The draft for profiles:check and profiles:save. */
export function draftFromForm(form: ProfileForm): ProfileDraft {
  const resources = Object.fromEntries(
    (['memoryMiB', 'cpus', 'pids', 'diskMiB'] as const).map((k) => [k, numberOf(form[k])]).filter(([, v]) => v !== undefined),
  );
  const draft: ProfileDraft = {
    ...form.rest,
    id: form.id.trim(),
    title: form.title.trim(),
    description: form.description.trim(),
    resources,
    network: form.network,
    layout: form.layout,
    mounts: form.mounts.map((m) => ({ kind: 'course', source: m.source, target: m.target.trim(), readOnly: true })),
  };
  const idle = numberOf(form.idleMinutes);
  if (idle !== undefined) draft.idleMinutes = idle;
  if (form.source === 'image') draft.image = form.image.trim();
  // A bundled folder built on another lab (r, octave, code on python) keeps its base.
  else if (form.source === 'folder') Object.assign(draft, { image: form.image, build: { context: form.context, ...(form.base ? { base: form.base } : {}) } });
  else {
    const lines = dockerfileLines(form.lines);
    draft.build = { base: form.base, packages: packageLines(form.packages), ...(lines.length ? { lines } : {}) };
  }
  if (form.courseUrl.trim()) {
    draft.course = { url: form.courseUrl.trim(), branch: form.courseBranch.trim(), folder: form.courseFolder.trim(), syncOnOpen: form.courseSyncOnOpen };
  }
  return draft;
}

/** The form field a problem's path is about ('resources.memoryMiB' → memoryMiB, 'build.packages.2' → packages, …). */
export function fieldOf(path: string): Field {
  const [head, next] = path.split('.');
  switch (head) {
    case 'id':
    case 'title':
    case 'description':
    case 'image':
    case 'network':
    case 'idleMinutes':
    case 'layout':
      return head;
    case 'resources':
      return (['memoryMiB', 'cpus', 'pids', 'diskMiB'] as const).find((f) => f === next) ?? 'other';
    case 'build':
      if (next === 'packages') return 'packages';
      if (next === 'lines') return 'lines';
      if (next === 'context') return 'source';
      return 'base';
    case 'course':
      return next === 'branch' ? 'courseBranch' : next === 'folder' ? 'courseFolder' : 'courseUrl';
    case 'mounts':
      return 'mounts';
    default:
      return 'other';
  }
}

/** What the form says before the core is asked: fields that cannot be read as what they are. */
export function localErrors(form: ProfileForm): FieldErrors {
  const errors: FieldErrors = {};
  for (const f of NUMBER_FIELDS) {
    if (typeof numberOf(form[f]) === 'string') errors[f] = ['a number, such as ' + blankForm()[f]];
  }
  if (form.source === 'base' && !form.base) errors.base = ['choose the bundled lab this lab is built on'];
  if (form.source === 'image' && !form.image.trim()) errors.image = ['the name of a public image, such as jupyter/scipy-notebook:2024-01-15'];
  return errors;
}

/**
 * Every message by field: the form's own first (a field it could not read has no other message worth
 * showing), then the core's problems. A package's problem names its line.
 */
export function fieldErrors(form: ProfileForm, problems: readonly ProfileProblem[]): FieldErrors {
  const errors: FieldErrors = { ...localErrors(form) };
  const local = new Set(Object.keys(errors));
  const packages = packageLines(form.packages);
  for (const p of problems) {
    const field = fieldOf(p.field);
    if (local.has(field)) continue;
    let message = p.message;
    const pkg = /^build\.packages\.(\d+)$/.exec(p.field);
    if (pkg && !message.includes('"')) message = `"${packages[Number(pkg[1])] ?? ''}": ${message}`;
    if (field === 'other') message = `${p.field}: ${message}`;
    const list = (errors[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return errors;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((l) => l && l.length > 0);
}
