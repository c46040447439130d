// The sandbox check area of the methods table: for one lab, or every lab whose image is here, a
// throw-away lab from its profile is attacked as a student would attack it (see core/audit). The user's
// own labs are not touched. One check at a time: a second call joins the one running.
import type Docker from 'dockerode';
import type { AuditProgress, AuditReport } from '../../api/contract';
import { runAudit } from '../audit';
import type { HelperImages } from '../images/helper-images';
import { imagePresent } from '../images/images';
import type { Labs } from '../labs/labs';
import type { Logger } from '../log';
import type { HostPolicy } from '../profiles/mount-policy';
import type { CoreService } from '../types';

export interface SandboxCheckDeps {
  docker: () => Docker;
  labs: Labs;
  helpers: HelperImages;
  namespace: string;
  policy: HostPolicy;
  log: Logger;
  /** The ports on the host's 127.0.0.1 this ClassLab serves (the bridge): probed from inside the lab. */
  hostPorts: () => number[];
  /** Where this computer reaches a gate's port (Engine.reach). */
  reach?: (port: number) => Promise<number>;
  progress(p: AuditProgress): void;
}

export class SandboxCheck {
  private running: { promise: Promise<AuditReport[]>; abort: AbortController } | null = null;

  constructor(private readonly deps: SandboxCheckDeps) {}

  handlers(): Pick<CoreService, 'audit:run'> {
    return { 'audit:run': async (labId) => this.run(labId) };
  }

  run(labId: string | null): Promise<AuditReport[]> {
    const { deps } = this;
    const docker = deps.docker();
    if (this.running) return this.running.promise;
    const targets = labId ? [deps.labs.get(labId).lab.profile] : deps.labs.all().map((e) => e.lab.profile);
    const abort = new AbortController();
    const promise = (async () => {
      const reports: AuditReport[] = [];
      for (const profile of targets) {
        const startedAt = Date.now();
        const report = (results: AuditReport['results'], problem: string | null): AuditReport => ({
          labId: profile.id,
          title: profile.title,
          results,
          allBlocked: problem === null && results.length > 0 && results.every((r) => r.blocked),
          problem,
          startedAt,
          finishedAt: Date.now(),
        });
        if (!(await imagePresent(docker, profile.image)) || (await deps.helpers.state()) === 'missing') {
          // Not a pass: a lab that could not be checked says so (and `classlab audit` fails).
          reports.push(report([], `The image of ${profile.title} is not on this computer: build it first, then run the check.`));
          continue;
        }
        deps.progress({ labId: profile.id, stage: 'starting', result: null });
        const results = await runAudit({
          docker: deps.docker,
          profile,
          namespace: deps.namespace,
          log: deps.log,
          hostPorts: deps.hostPorts(),
          policy: deps.policy,
          gateImage: () => deps.helpers.gateId(),
          ...(deps.reach ? { reach: deps.reach } : {}),
          signal: abort.signal,
          onProgress: (result) => deps.progress({ labId: profile.id, stage: 'result', result }),
        });
        reports.push(report(results, null));
        deps.progress({ labId: profile.id, stage: 'done', result: null });
      }
      return reports;
    })().finally(() => {
      this.running = null;
    });
    this.running = { promise, abort };
    return promise;
  }

  /** A check in progress removes its throw-away labs as it stops. */
  async close(reason: Error): Promise<void> {
    this.running?.abort.abort(reason);
    await this.running?.promise.catch(() => undefined);
  }
}
