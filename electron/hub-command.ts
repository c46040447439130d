// `classlab hub …`: the JupyterHubs whose labs the launcher shows (core/hub). Adding and removing a hub
// are machine settings, behind the admin PIN like `classlab admin engine`. The hub token is read from a
// terminal prompt (no echo) or CLASSLAB_HUB_TOKEN for scripts, never from an argument (other users of the
// computer can read those), and is kept in the secret store, never in the settings.
import path from 'node:path';
import { LabError } from './api/errors';
import { openAdmin, type PinSource } from './admin-command';
import { AdminLock } from './core/admin/admin-lock';
import { isClearTextRemote, normaliseHubUrl } from './core/hub/hub-address';
import { HUB_SCOPES } from './core/hub/hub-client';
import { HubLabs, type HubLabView } from './core/hub/hub-labs';
import { signInToHub } from './core/hub/hub-sign-in';
import { hubLabId, HubStore } from './core/hub/hub-store';
import type { Logger } from './core/log';
import { EncryptedFileSecretStore } from './core/secrets/aes-cipher';
import type { SecretStore } from './core/secrets/secret-store';
import type { SettingsStore } from './core/settings';
import { askHidden, canAsk } from './pin-prompt';

export const HUB_TOKEN_VARIABLE = 'CLASSLAB_HUB_TOKEN';

export const HUB_USAGE = `  hub list [--json]       The JupyterHubs whose labs the launcher shows, with each server's state
  hub add URL             Use a JupyterHub (admin): the token is asked on the terminal, or read from
                          ${HUB_TOKEN_VARIABLE}; ClassLab keeps a token of only ${HUB_SCOPES.join(' ')}
  hub remove URL          Forget a hub and its token (admin)
  hub open URL|ID [--json]
                          Start your server on the hub, with its progress; print its address
  hub stop URL|ID [--json]
                          Stop your server on the hub`;

export async function hubCommand(opts: {
  dataDir: string;
  settings: SettingsStore;
  log: Logger;
  args: string[];
  json: boolean;
  source: PinSource;
  /** CLASSLAB_HUB_TOKEN, already taken out of the environment. */
  tokenFromEnv: string | undefined;
  fail(err: unknown): number;
}): Promise<number> {
  const { dataDir, settings, args, json } = opts;
  const [verb, target, extra] = args;
  const usage = (why?: string) => {
    process.stderr.write(`classlab: ${why ? `${why}\n` : ''}usage:\n${HUB_USAGE}\n`);
    return 2;
  };
  if (extra !== undefined) return usage();
  let secrets: Promise<SecretStore> | null = null;
  const store = new HubStore(settings, () => (secrets ??= EncryptedFileSecretStore.open(path.join(dataDir, 'secrets.bin'), path.join(dataDir, 'secrets.key'))));
  const lock = new AdminLock({ dataDir, lockMinutes: () => settings.get().adminLockMinutes, changed: () => {}, log: opts.log });
  const labs = new HubLabs(store, {
    log: opts.log,
    changed: (v) => {
      if (v.phase === 'starting' && v.progress && !json)
        process.stderr.write(`${v.progress.fraction === null ? '' : `${Math.round(v.progress.fraction * 100)}% `}${v.progress.message}\n`);
    },
  });
  try {
    if (verb === undefined || verb === 'list') {
      if (target !== undefined) return usage();
      const views = await labs.list();
      if (json) process.stdout.write(`${JSON.stringify(views.map(shown), null, 2)}\n`);
      else if (!views.length) process.stdout.write('No hub is set up on this computer (classlab hub add URL).\n');
      else for (const v of views) process.stdout.write(`${v.id}  ${v.hubUrl}  as ${v.owner}  ${v.phase}${v.reason ? `: ${v.reason}` : ''}\n`);
      return 0;
    }
    if (verb === 'add') {
      if (!target) return usage("hub add needs the hub's address, e.g. https://hub.example.edu/");
      const url = normaliseHubUrl(target);
      if (isClearTextRemote(url))
        throw new LabError('BAD_REQUEST', `${url} is http:// across a network: the token would travel in clear. Use the hub's https:// address.`);
      await openAdmin(lock.handlers(), 'hub add', opts.source);
      const token = opts.tokenFromEnv ?? (canAsk() ? await askHidden(`Token for ${url} (from ${url}hub/token): `) : null);
      if (!token)
        throw new LabError(
          'BAD_REQUEST',
          `classlab hub add needs the hub token: run it on a terminal to be asked, or pass it in ${HUB_TOKEN_VARIABLE} (never as an argument).`,
        );
      const signIn = await signInToHub(url, token);
      await store.add(signIn.entry, signIn.token);
      const result = {
        id: hubLabId(signIn.entry.url),
        url: signIn.entry.url,
        owner: signIn.entry.owner,
        version: signIn.entry.version,
        narrowed: signIn.narrowed,
        broaderScopes: signIn.broader,
      };
      if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        process.stdout.write(`Added ${result.url} (JupyterHub ${result.version ?? '?'}) as ${result.owner}; its lab is ${result.id}.\n`);
        if (signIn.narrowed)
          process.stdout.write(
            `ClassLab made and keeps its own token with only ${HUB_SCOPES.join(' ')}; you may delete the one you typed on ${result.url}hub/token.\n`,
          );
        else if (signIn.broader.length)
          process.stdout.write(
            `The token can do more than ClassLab needs (${signIn.broader.join(' ')}); make one with only ${HUB_SCOPES.join(' ')} on ${result.url}hub/token and add the hub again.\n`,
          );
      }
      return 0;
    }
    if (verb === 'remove') {
      if (!target) return usage("hub remove needs the hub's address or id (see classlab hub list)");
      await openAdmin(lock.handlers(), 'hub remove', opts.source);
      const had = await store.remove(target);
      if (!had) throw new LabError('LAB_NOT_FOUND', `No hub ${target} on this computer (see \`classlab hub list\`).`);
      process.stdout.write(
        json ? `${JSON.stringify({ removed: true })}\n` : `Forgot ${target} and its token. (The token still works on the hub until you delete it there.)\n`,
      );
      return 0;
    }
    if (verb === 'open' || verb === 'stop') {
      if (!target) return usage(`hub ${verb} needs the hub's address or id (see classlab hub list)`);
      const entry = store.find(target);
      if (!entry) throw new LabError('LAB_NOT_FOUND', `No hub ${target} on this computer (see \`classlab hub list\`).`);
      const view = verb === 'open' ? await labs.open(hubLabId(entry.url)) : await labs.stop(hubLabId(entry.url));
      // This command's hub gate ends with it: the address printed is the hub's own (sign in there).
      const address = verb === 'open' ? `${entry.url}user/${encodeURIComponent(entry.owner)}/lab` : null;
      if (json) process.stdout.write(`${JSON.stringify({ ...shown(view), address }, null, 2)}\n`);
      else process.stdout.write(verb === 'open' ? `Your server on ${entry.url} is ready: ${address}\n` : `Your server on ${entry.url} is stopped.\n`);
      return 0;
    }
    return usage();
  } catch (err) {
    return opts.fail(err);
  } finally {
    lock.close();
    await labs.close();
  }
}

/** What the CLI shows of a hub lab: the gate's page address only lives as long as this command. */
function shown(v: HubLabView) {
  return { id: v.id, url: v.hubUrl, owner: v.owner, phase: v.phase, reason: v.reason };
}
