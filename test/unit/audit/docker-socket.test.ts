// The Docker socket line's verdict from the probe's facts: a socket that answers the Docker API anywhere
// is NOT blocked; other sockets are listed but harmless; an unfinished or bounded search is never a pass.
import { describe, expect, it } from 'vitest';
import { answersAsDocker, judgeSocketProbe } from '../../../electron/core/audit/attacks/docker-socket';

const DOCKER_PING = 'HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nDocker-Experimental: false\r\nContent-Length: 2\r\n\r\nOK';
const NOTEBOOK_PING = 'HTTP/1.1 404 Not Found\r\nServer: TornadoServer/6.2\r\n\r\n<html>404</html>';
const mounts = [
  { mount: '/', fstype: 'overlay' },
  { mount: '/home/student/course', fstype: 'ext4' },
  { mount: '/proc', fstype: 'proc' },
];

describe('Docker API answers', () => {
  it('knows Docker by /_ping or /version, and nothing else', () => {
    expect(answersAsDocker(DOCKER_PING, '')).toContain('Api-Version 1.41');
    expect(answersAsDocker('HTTP/1.0 200 OK\r\n\r\nOK', '')).toContain('OK');
    expect(answersAsDocker('HTTP/1.1 404 Not Found\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n{"ApiVersion":"1.41","Version":"20.10"}')).toContain('ApiVersion 1.41');
    expect(answersAsDocker(NOTEBOOK_PING, 'HTTP/1.1 404 Not Found\r\n\r\n')).toBeNull();
    expect(answersAsDocker('ERROR EACCES', '')).toBeNull();
    expect(answersAsDocker('HTTP/1.1 200 OK\r\n\r\n<html>hello</html>', 'HTTP/1.1 200 OK\r\n\r\n<html>hello</html>')).toBeNull();
  });
});

describe('the verdict', () => {
  it('is blocked when the search finished and no socket answered as Docker', () => {
    const r = judgeSocketProbe([...mounts, { entries: 64000 }, { socket: '/run/classlab/notebook.sock', ping: NOTEBOOK_PING, version: '' }, { done: true }], 0);
    expect(r.blocked).toBe(true);
    expect(r.evidence).toMatch(/Searched 3 mounts .*\/home\/student\/course.*64000 entries/);
    expect(r.evidence).toContain('/run/classlab/notebook.sock: HTTP/1.1 404 Not Found, not the Docker API');
  });

  it('is NOT blocked when any socket in any mount answers the Docker API', () => {
    const r = judgeSocketProbe(
      [...mounts, { entries: 10 }, { socket: '/home/student/course/a/b/docker.sock', ping: DOCKER_PING, version: '' }, { done: true }],
      0,
    );
    expect(r.blocked).toBe(false);
    expect(r.evidence).toContain('/home/student/course/a/b/docker.sock ANSWERS THE DOCKER API (GET /_ping: 200, Api-Version 1.41)');
  });

  it('a socket the student cannot connect to is harmless and says why', () => {
    const r = judgeSocketProbe([...mounts, { entries: 10 }, { socket: '/home/student/course/x.sock', ping: 'ERROR EACCES', version: '' }, { done: true }], 0);
    expect(r.blocked).toBe(true);
    expect(r.evidence).toContain('/home/student/course/x.sock: EACCES, not the Docker API');
  });

  it('is never blocked when the search was cut short, did not finish, or DOCKER_HOST is set', () => {
    expect(judgeSocketProbe([...mounts, { incomplete: '/', why: 'time or entry bound reached' }, { entries: 1 }, { done: true }], 0)).toMatchObject({
      blocked: false,
      evidence: expect.stringContaining('Search incomplete'),
    });
    expect(judgeSocketProbe([...mounts, { entries: 1 }], null)).toMatchObject({ blocked: false, evidence: expect.stringContaining('did not finish') });
    expect(judgeSocketProbe([...mounts, { entries: 1 }, { env: 'DOCKER_HOST' }, { done: true }], 0)).toMatchObject({
      blocked: false,
      evidence: expect.stringContaining('DOCKER_HOST is set'),
    });
  });
});
