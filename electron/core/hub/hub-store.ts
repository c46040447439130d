// The hubs this computer uses: their addresses and token owners in the settings (no secret there), their
// tokens in the secret store under `hub:<address>` (the OS's secret storage in the app, the encrypted file
// elsewhere), exactly as git tokens are kept (git/credentials.ts). Adding and removing are admin actions.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LabError } from '../../api/errors';
import { SecretStoreError, type SecretStore } from '../secrets/secret-store';
import { normaliseHubUrl } from './hub-address';

export const HUB_SECRET_PREFIX = 'hub:';
export const MAX_HUBS = 20;

/** One hub as the settings keep it. */
export const HubEntry = z.object({
  url: z.string().max(2048),
  /** The token's owner on the hub (its user name). */
  owner: z.string().min(1).max(255),
  /** The hub's version when it was added, for the list. */
  version: z.string().max(64).nullable(),
});
export type HubEntry = z.infer<typeof HubEntry>;

/** The launcher's id of a hub's lab: stable per address, in the lab id's alphabet. */
export function hubLabId(url: string): string {
  return `hub-${createHash('sha256').update(url).digest('hex').slice(0, 10)}`;
}

export function hubSecretKey(url: string): string {
  const u = new URL(url);
  return `${HUB_SECRET_PREFIX}${u.protocol.replace(':', '')}/${u.host.replace(/[^A-Za-z0-9._-]/g, '_')}${u.pathname.replace(/[^A-Za-z0-9._/@+-]/g, '_')}`.slice(
    0,
    200,
  );
}

export interface HubSettings {
  get(): { hubs: HubEntry[] };
  update(patch: { hubs: HubEntry[] }): unknown;
}

export class HubStore {
  constructor(
    private readonly settings: HubSettings,
    private readonly secrets: () => Promise<SecretStore>,
  ) {}

  list(): HubEntry[] {
    return this.settings.get().hubs;
  }

  find(urlOrId: string): HubEntry | undefined {
    const hubs = this.list();
    const byId = hubs.find((h) => hubLabId(h.url) === urlOrId);
    if (byId) return byId;
    let url: string;
    try {
      url = normaliseHubUrl(urlOrId);
    } catch {
      return undefined;
    }
    return hubs.find((h) => h.url === url);
  }

  async token(entry: HubEntry): Promise<string | null> {
    return this.call((s) => s.get(hubSecretKey(entry.url)));
  }

  async add(entry: HubEntry, token: string): Promise<void> {
    const others = this.list().filter((h) => h.url !== entry.url);
    if (others.length >= MAX_HUBS) throw new LabError('BAD_REQUEST', `At most ${MAX_HUBS} hubs: remove one first (classlab hub remove URL).`);
    await this.call((s) => s.set(hubSecretKey(entry.url), token));
    this.settings.update({ hubs: [...others, entry] });
  }

  /** Forgets the hub and its token; false when it was not there. */
  async remove(url: string): Promise<boolean> {
    const entry = this.find(url);
    if (!entry) return false;
    await this.call((s) => s.delete(hubSecretKey(entry.url)));
    this.settings.update({ hubs: this.list().filter((h) => h.url !== entry.url) });
    return true;
  }

  /** Forgets every hub and its token (a machine reset between groups: the tokens are a user's sign-in); how many. */
  async forgetAll(): Promise<number> {
    const count = this.list().length;
    await this.call((s) => s.deleteAll(HUB_SECRET_PREFIX));
    if (count) this.settings.update({ hubs: [] });
    return count;
  }

  private async call<T>(fn: (s: SecretStore) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.secrets());
    } catch (err) {
      if (err instanceof SecretStoreError) throw new LabError(err.problem === 'unreadable' ? 'SECRETS_UNREADABLE' : 'BAD_REQUEST', err.message);
      throw err;
    }
  }
}
