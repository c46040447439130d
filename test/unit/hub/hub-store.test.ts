import { describe, expect, it } from 'vitest';
import { HubStore } from '../../../electron/core/hub/hub-store';
import { MemorySecretStore } from '../../../electron/core/secrets/secret-store';
import { testSettings } from '../../support/docker';

describe('the hubs this computer uses', () => {
  it('keeps addresses in the settings and tokens in the secret store only; a reset forgets both', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('git:example.org/course', 'git-token');
    const settings = testSettings();
    const store = new HubStore(settings, async () => secrets);
    await store.add({ url: 'https://hub.example.edu/', owner: 'ana', version: '5.2.1' }, 'hub-token-1');
    await store.add({ url: 'https://other.example.edu/jupyter/', owner: 'ana', version: null }, 'hub-token-2');
    expect(JSON.stringify(settings.get())).not.toMatch(/hub-token/);
    expect(store.find('https://hub.example.edu/hub/home')?.owner).toBe('ana');
    expect(await store.token(store.find('https://other.example.edu/jupyter/')!)).toBe('hub-token-2');
    expect(await store.remove('https://hub.example.edu/')).toBe(true);
    expect(await secrets.get('hub:https/hub.example.edu/')).toBeNull();
    expect(await store.forgetAll()).toBe(1);
    expect(settings.get().hubs).toEqual([]);
    expect(await secrets.get('hub:https/other.example.edu/jupyter/')).toBeNull();
    // Other secrets are not a hub's.
    expect(await secrets.get('git:example.org/course')).toBe('git-token');
  });
});
