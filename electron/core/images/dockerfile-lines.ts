// An instructor's expert Dockerfile lines (a profile's `build.lines`) and the Dockerfile ClassLab writes for
// a lab built on a base: FROM the base lab's image, the extra Debian packages, those lines, and ClassLab's
// own last USER. Pure.
//
// Where the lines may come from: only the editor on this computer, behind the admin PIN (the saved
// profiles in the data folder). The bundled catalog and the labs of a lab pack never carry them (catalog.ts
// refuses a profile with lines there; a pack carries images, not builds), because a line runs as root in
// the build of an image that every student of that lab then runs.
//
// What a hostile line could do, and why that is bounded:
// - At build time it runs as root inside Docker's build container: no host folder (the build context holds
//   only the generated Dockerfile), no Docker socket, no device, no capability beyond Docker's default set.
//   It may use the network, as `apt-get` does. What it can harm is the image it makes, which is the lab's.
// - At run time nothing of the build is trusted: the lab container still gets its user from the profile
//   (never the image's USER), a read-only root, every capability dropped, no-new-privileges (a setuid file
//   the line made is inert), seccomp, gVisor where the engine has it, and the profile's limits.
// - So the lines that would change what the floor relies on are refused by name: FROM (a second stage
//   would leave the base and the last USER behind), VOLUME (an anonymous volume has no disk limit),
//   ONBUILD, ENTRYPOINT and CMD (the notebook server is the profile's), HEALTHCHECK, STOPSIGNAL, EXPOSE,
//   LABEL (ClassLab's own labels name its objects), ADD and COPY (there are no files to copy; a URL or
//   another image's files are a RUN away and visible as such), MAINTAINER, SHELL. Allowed: RUN, ENV, ARG,
//   WORKDIR and USER, each in its own line or continued with a trailing backslash.
// - The last line must not end in a backslash (it would swallow ClassLab's USER line into a RUN), and a
//   here-document (`<<`) is refused: with BuildKit its body is not parsed as instructions, so what these
//   checks read would not be what Docker builds.
// - ClassLab always ends the Dockerfile with `USER <the lab user>`, so an expert `USER root` ends with
//   the line after it.

export const ALLOWED_INSTRUCTIONS = ['RUN', 'ENV', 'ARG', 'WORKDIR', 'USER'] as const;

const REFUSED: Record<string, string> = {
  FROM: 'FROM would start a new image without the base lab and its user; the lab is always built FROM its base',
  VOLUME: 'VOLUME would give the lab a folder without the workspace disk limit',
  ONBUILD: 'ONBUILD would run in images built from this one',
  ENTRYPOINT: "ENTRYPOINT would replace the notebook server, which is the profile's",
  CMD: "CMD would replace the notebook server, which is the profile's",
  HEALTHCHECK: "HEALTHCHECK is ClassLab's own",
  STOPSIGNAL: 'STOPSIGNAL would change how the lab stops',
  EXPOSE: 'EXPOSE has no use: a lab publishes nothing itself',
  LABEL: "LABEL could pass for ClassLab's own labels",
  ADD: 'ADD has nothing to copy (the build has no files of its own); fetch with RUN instead',
  COPY: 'COPY has nothing to copy (the build has no files of its own); write files with RUN instead',
  MAINTAINER: 'MAINTAINER is obsolete',
  SHELL: 'SHELL would change how ClassLab’s own RUN lines are read',
};

export const MAX_LINES = 100;
export const MAX_LINE_LENGTH = 2000;

export interface LineProblem {
  /** Index into the lines (0-based). */
  line: number;
  message: string;
}

const continues = (line: string) => /\\\s*$/.test(line);
const isComment = (line: string) => /^\s*#/.test(line);

/** Every problem of the expert lines, by line. No problems: they may go into the Dockerfile. */
export function dockerfileLineProblems(lines: readonly string[]): LineProblem[] {
  const problems: LineProblem[] = [];
  if (lines.length > MAX_LINES) problems.push({ line: MAX_LINES, message: `at most ${MAX_LINES} lines` });
  let continued = false;
  let last = -1;
  lines.forEach((line, i) => {
    const say = (message: string) => problems.push({ line: i, message: `line ${i + 1}: ${message}` });
    if (/[\r\n\0]/.test(line)) return say('one line per entry (no line breaks inside)');
    if (line.length > MAX_LINE_LENGTH) return say(`at most ${MAX_LINE_LENGTH} characters`);
    if (/<</.test(line)) return say('here-documents (<<) are not allowed: write the file with printf in a RUN');
    const text = line.trim();
    if (!text || isComment(text)) return;
    last = i;
    const word = (/^([A-Za-z]+)\b/.exec(text)?.[1] ?? '').toUpperCase();
    const refused = REFUSED[word];
    if (refused) say(refused);
    else if (!continued && !(ALLOWED_INSTRUCTIONS as readonly string[]).includes(word))
      say(`starts with "${text.split(/\s/)[0]}": a line starts with ${ALLOWED_INSTRUCTIONS.join(', ')} (or continues the line before it with a trailing \\)`);
    continued = continues(text);
  });
  if (last >= 0 && continues(lines[last] as string))
    problems.push({ line: last, message: `line ${last + 1}: the last line must not end with \\ (nothing follows it)` });
  return problems;
}

export interface GeneratedBuild {
  /** The base lab's image, as Docker knows it now (an ID, or the reference). */
  baseImage: string;
  packages: readonly string[];
  lines: readonly string[];
  /** The profile's lab user (uid:gid), the image's last USER. */
  user: string;
  /** Labels for the image (values are JSON-quoted). */
  labels: Record<string, string>;
}

/** The Dockerfile of a lab built on a base. Its inputs are checked already (schema.ts); quoting is still done here. */
export function generatedDockerfile(build: GeneratedBuild): string {
  const out = [`FROM ${build.baseImage}`, 'USER root'];
  if (build.packages.length) {
    out.push(
      'RUN apt-get update \\',
      ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -- ${build.packages.join(' ')} \\`,
      ' && apt-get clean && rm -rf /var/lib/apt/lists/*',
    );
  }
  out.push(...build.lines);
  const labels = Object.entries(build.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (labels.length) out.push(`LABEL ${labels.join(' ')}`);
  // The image's last word on who runs in it (the container's user still comes from the profile).
  out.push(`USER ${build.user}`);
  return `${out.join('\n')}\n`;
}
