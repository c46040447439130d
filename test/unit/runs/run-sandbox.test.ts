// The quick run's sandbox as data, the driver's report and the verdict rules.
import { describe, expect, it } from 'vitest';
import { DRIVER_BOOT, driverInput, driverScript, splitDriverReport, stdoutEndMark, trustedReport } from '../../../electron/core/runs/driver';
import { DEFAULT_RUN_LIMITS, runBoxName, runBoxVolumeSpec, runContainerSpec } from '../../../electron/core/runs/run-spec';
import { decideVerdict, type RunFacts } from '../../../electron/core/runs/verdict';

const NONCE = '0123456789abcdef0123456789abcdef';

describe('run container spec', () => {
  const spec = runContainerSpec({
    runId: 'r0123456789abcdef',
    labId: 'python',
    namespace: 'ns',
    image: 'sha256:abc',
    user: '1000:1000',
    lang: 'python',
    limits: DEFAULT_RUN_LIMITS,
    security: { seccomp: true, runtime: 'runc' },
  });
  const host = spec.HostConfig!;

  it('keeps the lab floor: no network, no capabilities, no new privileges, read-only root, limits, no swap', () => {
    expect(spec.NetworkDisabled).toBe(true);
    expect(host.NetworkMode).toBe('none');
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.Privileged).toBe(false);
    expect(host.SecurityOpt).toContain('no-new-privileges:true');
    expect(host.SecurityOpt!.some((o: string) => o.startsWith('seccomp='))).toBe(true);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.PidsLimit).toBe(DEFAULT_RUN_LIMITS.pids);
    expect(host.Memory).toBe(DEFAULT_RUN_LIMITS.memoryMiB * 1024 * 1024);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.NanoCpus).toBe(1e9);
    expect(host.Ulimits).toEqual(
      expect.arrayContaining([
        { Name: 'core', Soft: 0, Hard: 0 },
        { Name: 'fsize', Soft: 16 * 1024 * 1024, Hard: 16 * 1024 * 1024 },
      ]),
    );
    expect(spec.User).toBe('1000:1000');
    expect(host.Init).toBe(true);
  });

  it('mounts nothing of the host: the code comes on stdin, scratch is tmpfs', () => {
    // /box is the run's own tmpfs volume, owned by the lab user (runBoxVolumeSpec), the only mount.
    expect(host.Mounts).toEqual([
      { Type: 'volume', Source: runBoxName(spec.Labels!['classlab.instance']!, spec.Labels!['classlab.run']!), Target: '/box', ReadOnly: false },
    ]);
    expect(host.Binds).toBeUndefined();
    expect(Object.keys(host.Tmpfs!).sort()).toEqual(['/tmp']);
    expect(spec.OpenStdin && spec.StdinOnce).toBe(true);
    expect(JSON.stringify(spec.Entrypoint)).not.toContain('print(');
  });

  it('gives /box as a tmpfs volume of the run, owned by the lab user, 0700, capped in pages', () => {
    const box = runBoxVolumeSpec({ runId: 'r1', labId: 'python', namespace: 'ns', user: '1000:1000', limits: DEFAULT_RUN_LIMITS });
    expect(box.Name).toBe(runBoxName('ns', 'r1'));
    expect(box.DriverOpts).toEqual({
      type: 'tmpfs',
      device: 'tmpfs',
      o: `nr_blocks=${DEFAULT_RUN_LIMITS.scratchMiB * 256},uid=1000,gid=1000,mode=0700,nosuid,nodev`,
    });
    expect(box.Labels).toMatchObject({ 'classlab.role': 'quick-run', 'classlab.instance': 'ns', 'classlab.run': 'r1' });
  });

  it('is labelled as a run of its lab and namespace', () => {
    expect(spec.Labels).toMatchObject({
      'classlab.role': 'quick-run',
      'classlab.instance': 'ns',
      'classlab.lab': 'python',
      'classlab.run': 'r0123456789abcdef',
    });
  });

  it('gVisor gets no seccomp profile (it filters in its own kernel)', () => {
    const g = runContainerSpec({
      runId: 'r0',
      labId: 'p',
      namespace: 'ns',
      image: 'i',
      user: '1000:1000',
      lang: 'bash',
      limits: DEFAULT_RUN_LIMITS,
      security: { seccomp: true, runtime: 'runsc' },
    });
    expect(g.HostConfig!.Runtime).toBe('runsc');
    expect(g.HostConfig!.SecurityOpt).toEqual(['no-new-privileges:true']);
  });
});

describe('driver', () => {
  it('sends the header, the code and the stdin in that order', () => {
    expect(driverInput(NONCE, 'é', 'in').toString()).toBe(`${NONCE} 2\néin`);
  });

  it('sets the soft CPU limit before the hard one', () => {
    const s = driverScript('python', { cpuSeconds: 3, compileCpuSeconds: 10 });
    expect(s).toContain("ulimit -S -t 3; ulimit -H -t 4; exec 'python3' '-I' 'main.py'");
  });

  it('reads its own last line and strips it', () => {
    const err = Buffer.from(`oops\n\n${NONCE} ran 152 1048576 2000000000 0\n`);
    const { stderr, report } = splitDriverReport(err, NONCE);
    expect(stderr.toString()).toBe('oops\n');
    expect(report).toEqual({ kind: 'ran', code: 152, peakBytes: 1048576, cpuNs: 2000000000, leftover: 0 });
  });

  it('reads the OOM kills and the guard of its newer line; only a guarded one that knows the OOM kills is trusted', () => {
    const ran = splitDriverReport(Buffer.from(`\n${NONCE} ran 0 1048576 2000 0 1 1\n`), NONCE).report;
    expect(ran).toEqual({ kind: 'ran', code: 0, peakBytes: 1048576, cpuNs: 2000, leftover: 0, oomKills: 1, guarded: true });
    expect(trustedReport(ran)).toBe(true);
    const compile = splitDriverReport(Buffer.from(`msg\n\n${NONCE} compile 0 1\n`), NONCE);
    expect(compile).toEqual({ stderr: Buffer.from('msg\n'), report: { kind: 'compile', oomKills: 0, guarded: true } });
    expect(trustedReport(compile.report)).toBe(true);
    // Unguarded (the driver was dumpable), the OOM kills unknown (-1), or the older form: read as before, not trusted.
    expect(trustedReport(splitDriverReport(Buffer.from(`\n${NONCE} ran 0 1 1 0 0 0\n`), NONCE).report)).toBe(false);
    expect(trustedReport(splitDriverReport(Buffer.from(`\n${NONCE} ran 0 1 1 0 -1 1\n`), NONCE).report)).toBe(false);
    expect(trustedReport(splitDriverReport(Buffer.from(`\n${NONCE} ran 0 1 1 0\n`), NONCE).report)).toBe(false);
  });

  it('runs the driver with an execute-only copy of sh, and marks the end of stdout with the nonce alone', () => {
    expect(DRIVER_BOOT).toContain('install -m 0111 /bin/sh /box/.driver-sh');
    expect(DRIVER_BOOT).toContain('exec /box/.driver-sh -c "$0"');
    expect(stdoutEndMark(NONCE).toString()).toBe(`\n${NONCE}\n`);
  });

  it('ignores a look-alike line with another nonce, or one that is not last', () => {
    const forged = Buffer.from(`\n${'f'.repeat(32)} compile\n`);
    expect(splitDriverReport(forged, NONCE).report.kind).toBe('none');
    const notLast = Buffer.from(`\n${NONCE} compile\nmore output\n`);
    expect(splitDriverReport(notLast, NONCE).report.kind).toBe('none');
  });
});

describe('verdict', () => {
  const ran = (code: number, extra: Partial<{ cpuNs: number; leftover: number }> = {}): RunFacts['report'] => ({
    kind: 'ran',
    code,
    peakBytes: 0,
    cpuNs: extra.cpuNs ?? 0,
    leftover: extra.leftover ?? 0,
  });
  const facts = (f: Partial<RunFacts>): RunFacts => ({ killedFor: null, oomKilled: false, exitCode: 0, report: ran(0), cpuSeconds: 5, memoryMiB: 256, ...f });

  it.each([
    [facts({}), 'accepted'],
    [facts({ report: ran(1) }), 'runtime-error'],
    [facts({ report: { kind: 'compile' }, exitCode: 1 }), 'compile-error'],
    [facts({ report: ran(152) }), 'time-limit'],
    [facts({ report: { kind: 'ran', code: 152, peakBytes: 256 * 1024 * 1024, cpuNs: 5e9, leftover: 0 } }), 'memory-limit'],
    [facts({ report: ran(137, { cpuNs: 6e9 }) }), 'time-limit'],
    [facts({ report: ran(137, { cpuNs: 1e8 }) }), 'runtime-error'],
    [facts({ oomKilled: true, report: ran(137) }), 'memory-limit'],
    [facts({ killedFor: 'wall', oomKilled: true }), 'time-limit'],
    [facts({ killedFor: 'output', report: { kind: 'none' } }), 'output-limit'],
    [facts({ report: ran(0, { leftover: 3 }) }), 'runtime-error'],
    [facts({ report: { kind: 'none' } }), 'runtime-error'],
  ] as const)('%o → %s', (f, verdict) => {
    expect(decideVerdict(f).verdict).toBe(verdict);
  });
});
