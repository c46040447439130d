// `classlab pack …`: lab packs from the command line, for instructors and for hosts scripting a room of
// PCs. Exit codes are a contract (README "Lab packs"): 0 done, 2 usage, 3 Docker not running, 8 busy,
// 10 the pack is damaged, changed or hostile, 11 its signer is not trusted here.
import { createInterface } from 'node:readline/promises';
import path from 'node:path';
import type { PackProgress, PackSummary } from './api/contract';
import { SIGNER_FINGERPRINT } from './api/contract';
import { LabError } from './api/errors';
import { formatBytes } from './api/units';
import type { ClassLabCore } from './core/types';

export const PACK_USAGE = `  pack export LAB... -o FILE [--json]
                          Write the labs, their images and ClassLab's helper image into one signed
                          lab pack (.classlab) that installs on other PCs without a network
  pack inspect FILE [--json]
                          Show what a pack holds and who signed it, loading nothing
  pack verify FILE [--trust-signer FP] [--json]
                          Check every byte and the signature, loading nothing; 0 only for a pack
                          that is whole, signed and trusted here
  pack import FILE [--yes] [--trust-signer FP] [--json]
                          Check, then install the pack's labs; --trust-signer FP trusts that signer
                          (compare FP with the one the instructor gave you)`;

export interface PackOptions {
  output: string | undefined;
  yes: boolean;
  trustSigner: string | undefined;
  json: boolean;
}

export async function packCommand(core: ClassLabCore, args: string[], opts: PackOptions): Promise<number> {
  const [verb, ...rest] = args;
  const usage = (why: string): number => {
    process.stderr.write(`classlab: ${why}\n\nUsage:\n${PACK_USAGE}\n`);
    return 2;
  };
  if (opts.trustSigner !== undefined && !SIGNER_FINGERPRINT.safeParse(opts.trustSigner).success)
    return usage(`--trust-signer takes a fingerprint such as SHA256:… (43 characters after the colon)`);
  const off = core.subscribe('packs:progress', progressPrinter(opts.json));
  try {
    if (verb === 'export') {
      if (!rest.length) return usage('pack export needs at least one lab id (see `classlab list`)');
      if (!opts.output) return usage('pack export needs -o FILE, the pack to write');
      const file = path.resolve(opts.output);
      const out = await core.packs.export(rest, file);
      if (opts.json) print({ file, ...out });
      else process.stdout.write(`Wrote ${file} (${formatBytes(out.bytes)}), signed by ${out.signer}\n`);
      return 0;
    }
    const [file, extra] = rest;
    if (verb !== 'inspect' && verb !== 'verify' && verb !== 'import') return usage(`unknown pack command ${verb ?? ''}`.trim());
    if (!file) return usage(`pack ${verb} needs the pack's file`);
    if (extra) return usage(`unexpected argument ${extra}`);
    const pack = path.resolve(file);
    const summary = await core.packs.inspect(pack);
    const trustSigner = trustAnswer(summary, opts.trustSigner);
    if (verb === 'inspect') {
      if (opts.json) print(summary);
      else describe(summary);
      return 0;
    }
    if (verb === 'verify') {
      const checked = await core.packs.verify(pack, { trustSigner });
      if (opts.json) print({ ok: true, ...checked });
      else process.stdout.write(`${path.basename(pack)}: whole, signed by ${checked.signer?.fingerprint ?? '(unsigned)'}, trusted here\n`);
      return 0;
    }
    if (!opts.json) describe(summary);
    let trust = trustSigner;
    if (!opts.yes) {
      if (!process.stdin.isTTY) return usage('pack import asks before it installs anything: run it in a terminal, or pass --yes (scripts)');
      const ask = createInterface({ input: process.stdin, output: process.stderr });
      try {
        if (summary.signer && !summary.signer.trusted && !trust) {
          const a = await ask.question(`Trust lab packs signed by ${summary.signer.fingerprint}? Compare it with your instructor's. [y/N] `);
          trust = /^y(es)?$/i.test(a.trim());
        }
        const a = await ask.question('Import this pack? [y/N] ');
        if (!/^y(es)?$/i.test(a.trim())) {
          process.stderr.write('Nothing was imported.\n');
          return 1;
        }
      } finally {
        ask.close();
      }
    }
    const result = await core.packs.import(pack, { trustSigner: trust });
    if (opts.json) print(result);
    else if (result.unchanged) process.stdout.write(`Already installed: ${result.labs.join(', ')} (nothing changed)\n`);
    else process.stdout.write(`Installed ${result.labs.join(', ')} (${result.imagesLoaded} image(s) loaded, ${result.imagesPresent} already here)\n`);
    return 0;
  } finally {
    off();
  }
}

/** --trust-signer must name this pack's own signer: a script cannot trust "whatever signed it". */
function trustAnswer(summary: PackSummary, fingerprint: string | undefined): boolean {
  if (fingerprint === undefined) return false;
  if (summary.signer?.fingerprint !== fingerprint)
    throw new LabError(
      'PACK_UNTRUSTED',
      `This pack is ${summary.signer ? `signed by ${summary.signer.fingerprint}` : 'not signed'}, not by ${fingerprint}: nothing was imported.`,
    );
  return true;
}

function describe(s: PackSummary): void {
  const lines = [`${s.fileName}: lab pack (format ${s.format}) made by ClassLab ${s.classlabVersion} on ${s.created}, ${formatBytes(s.bytes)}`];
  for (const l of s.labs)
    lines.push(
      `  lab ${l.id} — ${l.title} (${l.change}${l.course ? ', with its course' : ''}${l.exercises ? `, ${l.exercises} exercise${l.exercises === 1 ? '' : 's'}` : ''})`,
    );
  for (const i of s.images)
    lines.push(
      `  image ${i.tags[0] ?? i.id.slice(0, 19)} ${formatBytes(i.bytes)}${i.role === 'helper' ? ' (ClassLab helper)' : ''}${i.present ? ', already here' : ''}`,
    );
  lines.push(
    s.signer
      ? `  signed by ${s.signer.fingerprint}${s.signer.own ? ' (this computer)' : s.signer.trusted ? ' (trusted here)' : ' (NOT trusted here yet)'}`
      : '  NOT signed',
  );
  process.stderr.write(`${lines.join('\n')}\n`);
}

function progressPrinter(json: boolean): (p: PackProgress) => void {
  let last = '';
  return (p) => {
    if (json || p.done) return;
    const line = `${p.fraction !== null ? `${Math.round(p.fraction * 100)}% ` : ''}${p.stage}`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
  };
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
