// docker-modem formats each request's options with util.inspect(depth: null, showHidden) even while its
// debug log is off; the options carry the remote's http agent, which holds every open ssh channel. Its
// inspection must stay one short line (it had grown with each channel until requests stalled for minutes).
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { SshRemote } from '../../electron/core/engine/ssh-remote';

it("formats the ssh remote's agent as one short line, as docker-modem does on every request", () => {
  const remote = new SshRemote(
    { host: '192.0.2.1', port: 22, user: 'ada' },
    { home: '/nonexistent', agentSocket: null, localUser: 'ada', systemKnownHosts: [] },
  );
  try {
    const modem = (remote.docker as unknown as { modem: { agent: unknown } }).modem;
    expect(modem.agent).toBeDefined();
    const text = inspect({ path: '/containers/json', agent: modem.agent }, { showHidden: true, depth: null });
    expect(text).toContain("[ClassLab's ssh agent for ssh://ada@192.0.2.1]");
    expect(text.length).toBeLessThan(200);
  } finally {
    remote.close();
  }
});
