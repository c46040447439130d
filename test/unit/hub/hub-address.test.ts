import { describe, expect, it } from 'vitest';
import { isClearTextRemote, normaliseHubUrl } from '../../../electron/core/hub/hub-address';
import { hubLabId, hubSecretKey } from '../../../electron/core/hub/hub-store';
import { LAB_ID } from '../../../electron/api/contract';

describe('hub addresses', () => {
  it('cuts what a browser shows to the hub base', () => {
    expect(normaliseHubUrl('https://Hub.Example.edu')).toBe('https://hub.example.edu/');
    expect(normaliseHubUrl(' https://hub.example.edu/hub/home ')).toBe('https://hub.example.edu/');
    expect(normaliseHubUrl('https://hub.example.edu/jupyter/hub/token?x=1#y')).toBe('https://hub.example.edu/jupyter/');
    expect(normaliseHubUrl('https://hub.example.edu/jupyter/user/ana/lab/tree/a.ipynb')).toBe('https://hub.example.edu/jupyter/');
    expect(normaliseHubUrl('http://127.0.0.1:8000/hub/')).toBe('http://127.0.0.1:8000/');
    expect(normaliseHubUrl('https://[2001:db8::5]:8443/')).toBe('https://[2001:db8::5]:8443/');
  });

  it('refuses what is not an http(s) hub address, and credentials in it', () => {
    for (const bad of [
      '',
      'hub.example.edu',
      'ftp://hub.example.edu/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      `https://h/${'a'.repeat(3000)}`,
      'https://h/a%0ab/',
    ])
      expect(() => normaliseHubUrl(bad), bad).toThrow(/Not a hub address/);
    expect(() => normaliseHubUrl('https://ana:secret@hub.example.edu/')).toThrow(/no user name or password/);
  });

  it('knows when a token would travel in clear', () => {
    expect(isClearTextRemote('http://hub.example.edu/')).toBe(true);
    expect(isClearTextRemote('http://127.0.0.1:8000/')).toBe(false);
    expect(isClearTextRemote('https://hub.example.edu/')).toBe(false);
  });

  it('gives each hub a lab id and a secret name of its own', () => {
    const a = hubLabId('https://hub.example.edu/');
    expect(LAB_ID.safeParse(a).success).toBe(true);
    expect(a).not.toBe(hubLabId('https://hub.example.edu/jupyter/'));
    expect(hubSecretKey('https://hub.example.edu/jupyter/')).toBe('hub:https/hub.example.edu/jupyter/');
  });
});
