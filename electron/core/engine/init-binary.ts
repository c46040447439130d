// Quick runs and the files helper ask the engine for an init as PID 1 (`Init: true`: the program is not
// PID 1, so SIGXCPU reaches it, and orphans are reaped). Docker brings its own (docker-init); Podman uses
// catatonit, a separate package, and without it refuses to create the container. Running without an init
// would weaken the run's CPU limit, so the container is not started: the message says what to install.
import { LabError } from '../../api/errors';

/** Podman's words when its init binary is missing (4.x: "container-init binary not found on the host: stat …"; 5.x: "lookup init binary: …"). */
const MISSING_INIT = /container-init binary not found|lookup init binary/i;

/** The error to show for an engine's refusal, when the refusal is a missing init binary; else null. */
export function missingInitError(engineMessage: string): LabError | null {
  if (!MISSING_INIT.test(engineMessage)) return null;
  return new LabError(
    'START_FAILED',
    'This container engine has no init program, which quick runs, exercise checks and the files of a stopped lab need ' +
      '(Podman uses catatonit: install it on the engine’s host, e.g. `sudo apt-get install catatonit`, or set init_path in containers.conf, ' +
      `then try again). The engine said: ${engineMessage.slice(0, 300)}`,
  );
}
