// The bundled labs built on the python lab (issue #12), on the real engine from their own Dockerfiles: the
// R lab's notebook server offers the `ir` kernel and R answers 6 * 7 through it, the Octave lab's offers
// `octave` and Octave answers; the code lab's shell compiles and runs C, C++ and Java, and runs JavaScript.
// Each runs as the student, under the same sandbox floor as the python lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelClient } from '../../electron/core/audit/kernel';
import { serverOf } from '../../electron/core/host/idle-probe';
import type { ClassLabCore } from '../../electron/core/types';
import { execIn, removeNamespace, testCatalog, testCore, uniqueNamespace } from '../support/docker';

const ns = uniqueNamespace('clbund');
const onPython = (id: string, title: string, image: string, layout?: string) => ({
  id,
  title,
  image,
  build: { context: id, base: 'python' },
  ...(layout ? { layout } : {}),
});
let core: ClassLabCore;

beforeAll(async () => {
  const catalogDir = testCatalog([
    { id: 'python', title: 'Python', image: 'classlab/python:3', build: { context: 'python' } },
    onPython('r', 'R notebook', 'classlab/r:1'),
    onPython('octave', 'Octave notebook', 'classlab/octave:1'),
    onPython('code', 'Programming lab', 'classlab/code:1', 'terminal'),
  ]);
  core = await testCore(ns, { catalogDir });
}, 120_000);
afterAll(async () => {
  await core?.close();
  await removeNamespace(ns);
}, 180_000);

/** Opens the lab, starts a kernel of `spec` in its notebook server and runs `code` there. */
async function answerOf(labId: string, spec: string, code: string): Promise<{ specs: string[]; text: string; errors: string[] }> {
  await core.service['labs:open'](labId);
  const server = serverOf(core.notebookUrl(labId));
  if (!server) throw new Error(`${labId} has no notebook address`);
  const res = await fetch(new URL('api/kernelspecs', server.base), { headers: { Authorization: `token ${server.token}` } });
  const specs = Object.keys(((await res.json()) as { kernelspecs: Record<string, unknown> }).kernelspecs).sort();
  const kernel = new KernelClient(server.base, server.token);
  await kernel.start(spec);
  try {
    const out = await kernel.run(code, 120_000);
    expect(out.finished).toBe(true);
    return { specs, text: out.text, errors: out.errors };
  } finally {
    await kernel.close();
  }
}

describe('the bundled labs built on the python lab', () => {
  it('the R lab: the ir kernel is offered beside python3, and R answers', async () => {
    const r = await answerOf('r', 'ir', 'cat(6 * 7, R.version$major, sep = " ")');
    expect(r.specs).toEqual(expect.arrayContaining(['ir', 'python3']));
    expect(r.errors).toEqual([]);
    expect(r.text).toMatch(/^42 4\b/);
    await core.service['labs:stop']('r');
  }, 300_000);

  it('the Octave lab: the octave kernel is offered, and Octave answers', async () => {
    const r = await answerOf('octave', 'octave', 'disp(6 * 7)');
    expect(r.specs).toEqual(expect.arrayContaining(['octave', 'python3']));
    expect(r.errors).toEqual([]);
    expect(r.text.trim()).toBe('42');
    await core.service['labs:stop']('octave');
  }, 300_000);

  it('the code lab: opens on a terminal, and its shell compiles C, C++ and Java and runs JavaScript, as the student', async () => {
    expect((await core.service['labs:list']()).labs.find((l) => l.id === 'code')?.layout).toBe('terminal');
    await core.service['labs:open']('code');
    const container = `${ns}-code`;
    const script = [
      // The workspace: /tmp is noexec in a lab.
      'mkdir -p /home/student/work/bundled && cd /home/student/work/bundled',
      "printf '%s\\n' '#include <stdio.h>' 'int main(void) { printf(\"c %d\\n\", 6 * 7); return 0; }' > a.c && gcc -o a a.c && ./a",
      "printf '%s\\n' '#include <iostream>' 'int main() { std::cout << \"cpp \" << 6 * 7 << std::endl; }' > b.cpp && g++ -o b b.cpp && ./b",
      "printf '%s\\n' 'public class Main { public static void main(String[] a) { System.out.println(\"java \" + 6 * 7); } }' > Main.java && javac Main.java && java -cp . Main",
      'node -e \'console.log("js", 6 * 7)\'',
      'id -u',
    ].join(' && ');
    const { code, out } = await execIn(container, ['bash', '-c', script]);
    expect(code, out).toBe(0);
    expect(out.split('\n').filter(Boolean)).toEqual(['c 42', 'cpp 42', 'java 42', 'js 42', '1000']);
    await core.service['labs:stop']('code');
  }, 300_000);
});
