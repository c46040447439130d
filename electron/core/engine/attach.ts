// Attaching to a container's stdin, stdout and stderr with no request body. dockerode's attach() sends its
// options twice: in the query (what the API reads) and as a JSON body. Docker drops the body; Podman's
// compatible API (4.3, measured) hands it to the container as the first bytes of its stdin, so a quick
// run's driver read `{"stream":true,…}` in front of its header line. Here the options go in the query
// only and the body is empty (Content-Length: 0), on both engines.
import type Docker from 'dockerode';

export function attachStdio(docker: Docker, containerId: string): Promise<NodeJS.ReadWriteStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/attach?`,
        method: 'POST',
        isStream: true,
        hijack: true,
        openStdin: true,
        // An empty body of its own, so that the modem does not send the options as JSON.
        file: Buffer.alloc(0),
        headers: { 'Content-Type': 'application/vnd.docker.raw-stream' },
        statusCodes: { 101: true, 200: true, 404: 'no such container', 409: 'container is not running', 500: 'server error' },
        options: { stream: true, stdin: true, stdout: true, stderr: true },
      },
      (err: Error | null, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadWriteStream)),
    );
  });
}
