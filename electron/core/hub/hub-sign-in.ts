// Adding a hub: the address checked, the token tried, and the token narrowed. ClassLab needs only
// HUB_SCOPES; a token from the hub's token page or its OAuth sign-in often holds the user's every
// permission. When the token may make tokens, ClassLab makes its own with HUB_SCOPES only and keeps that
// one (the user may then delete the first on the hub's token page); when it may not, it is kept as it
// is, and the answer says which broader scopes it holds.
import os from 'node:os';
import { LabError } from '../../api/errors';
import { normaliseHubUrl } from './hub-address';
import { HUB_SCOPES, HubClient } from './hub-client';
import type { HubEntry } from './hub-store';

export interface HubSignIn {
  entry: HubEntry;
  /** The token to keep: ClassLab's own narrow one when it could make it. */
  token: string;
  /** True when ClassLab made its own narrow token. */
  narrowed: boolean;
  /** Scopes beyond what ClassLab needs that the kept token still holds. */
  broader: string[];
}

/** Scopes that are no more than ClassLab's (the hub expands servers!user into these, for the owner only). */
const NEEDED = /^(servers|read:servers|delete:servers|access:servers|read:users:name|read:users:groups|read:users:activity)!(user|user=[^!]+|server=[^!]+)$/;

export async function signInToHub(address: string, token: string, opts: { timeoutMs?: number } = {}): Promise<HubSignIn> {
  const url = normaliseHubUrl(address);
  const cleaned = token.trim();
  // eslint-disable-next-line no-control-regex
  if (!cleaned || cleaned.length > 4096 || /[\u0000-\u001f\u007f\s]/.test(cleaned))
    throw new LabError('BAD_REQUEST', "A hub token is one word of letters and digits (from the hub's token page).");
  const client = new HubClient({ url, token: cleaned, timeoutMs: opts.timeoutMs });
  const version = await client.version();
  const owner = await client.owner();
  if (owner.kind === 'service')
    throw new LabError(
      'BAD_REQUEST',
      `That is the token of the hub's service ${owner.name}, not of a user: make one on ${url}hub/token as the student (or teacher) who will use it.`,
    );
  const scopes = owner.scopes ?? [];
  const broader = scopes.filter((s) => !NEEDED.test(s));
  if (broader.length === 0) return { entry: { url, owner: owner.name, version }, token: cleaned, narrowed: false, broader };
  const canMint = scopes.some((s) => s === 'tokens' || s.startsWith('tokens!user'));
  if (!canMint) return { entry: { url, owner: owner.name, version }, token: cleaned, narrowed: false, broader };
  const own = await client.mintToken(owner.name, HUB_SCOPES, `ClassLab on ${hostName()}`);
  const check = await new HubClient({ url, token: own, timeoutMs: opts.timeoutMs }).owner();
  if (check.name !== owner.name) throw new LabError('REFUSED', `${url} made a token for ${check.name}, not ${owner.name}: not kept.`);
  return { entry: { url, owner: owner.name, version }, token: own, narrowed: true, broader: (check.scopes ?? []).filter((s) => !NEEDED.test(s)) };
}

function hostName(): string {
  return (
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, '')
      .slice(0, 60) || 'this computer'
  );
}
