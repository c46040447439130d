// The environment of a host shell: the desktop user's own, without what ClassLab holds for itself. A
// variable that names a secret (the admin PIN for scripts, git and registry tokens, passwords, keys) is
// dropped, as is every CLASSLAB_* variable but the few that only say which ClassLab this is.
/** ClassLab's variables that hold no secret and let `classlab …` in the shell reach this same instance. */
const CLASSLAB_KEPT = new Set(['CLASSLAB_HOME', 'CLASSLAB_NAMESPACE', 'CLASSLAB_CATALOG']);

/** Names of variables that hold secrets by convention (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, PGPASSWORD, …). */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|(^|_)PIN($|_)/i;

/** Electron's switches for the processes it starts; a shell's `electron …` must not inherit them. */
const ELECTRON_SWITCH = /^ELECTRON_/;

export function isScrubbed(name: string): boolean {
  if (name.startsWith('CLASSLAB_')) return !CLASSLAB_KEPT.has(name);
  return SECRET_NAME.test(name) || ELECTRON_SWITCH.test(name);
}

/** The host shell's environment: `base` scrubbed, with the terminal's type. */
export function hostShellEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !isScrubbed(name)) env[name] = value;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  return env;
}
