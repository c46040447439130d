// The languages a quick run knows, as data: how each is checked (compiled or parsed) without running it,
// and how it runs. Only the programs of the lab's own image are used; a lab "has" a language when its
// image has the `needs` program (probed once per image, see language-probe.ts).
import type { RunLanguage } from '../../api/contract';

export interface LanguageSpec {
  /** The source file's name inside the run's scratch folder. */
  source: string;
  /** The program whose presence on the image's PATH means the lab has the language. */
  needs: string;
  /**
   * Checks the source before anything of it runs; a failure is a compile error. Python: the `compile()`
   * builtin over the file's bytes (the same parser as the run, in its own process, so the program then
   * runs as plain `python3 main.py` with no wrapper frame in its tracebacks); Bash: `bash -n` parses the whole script; C and C++: gcc
   * and g++; Java: javac; JavaScript: `node --check`; R: R's own parser over the whole file.
   */
  compile: string[];
  run: string[];
}

const PYTHON_CHECK = [
  'import sys',
  'try:',
  '    compile(open("main.py", "rb").read(), "main.py", "exec")',
  'except Exception as e:',
  '    sys.excepthook(type(e), e.with_traceback(None), None)',
  '    sys.exit(1)',
].join('\n');

export const LANGUAGES: Record<RunLanguage, LanguageSpec> = {
  python: {
    source: 'main.py',
    needs: 'python3',
    // -I: isolated (no current folder on sys.path, no user site, no PYTHON* variables). The check is
    // `compile()` with -S (no site: nothing but the builtins is needed), not `-m py_compile`, which imports
    // importlib's machinery and writes a .pyc: measured 27-33 ms against 62-64 ms for ten checks, under
    // load. The error is printed as py_compile printed it (the file, the line, the caret; no traceback of
    // this one-liner), any exception of the compiler (null bytes, a bad encoding) counts.
    compile: ['python3', '-I', '-S', '-c', PYTHON_CHECK],
    run: ['python3', '-I', 'main.py'],
  },
  bash: { source: 'main.sh', needs: 'bash', compile: ['bash', '-n', 'main.sh'], run: ['bash', 'main.sh'] },
  c: { source: 'main.c', needs: 'gcc', compile: ['gcc', '-O2', '-std=gnu17', '-o', 'main', 'main.c', '-lm'], run: ['./main'] },
  cpp: { source: 'main.cpp', needs: 'g++', compile: ['g++', '-O2', '-std=gnu++17', '-o', 'main', 'main.cpp'], run: ['./main'] },
  java: {
    // The class is Main, as on judges. The heap may grow past the run's memory limit on purpose: then a
    // program that eats memory meets the kernel's limit (memory-limit) instead of the JVM's own
    // OutOfMemoryError at a quarter of the cgroup (a runtime error that would say nothing of the limit).
    source: 'Main.java',
    needs: 'javac',
    compile: ['javac', '-encoding', 'UTF-8', '-d', '.', 'Main.java'],
    run: ['java', '-Xmx4g', '-cp', '.', 'Main'],
  },
  javascript: { source: 'main.js', needs: 'node', compile: ['node', '--check', 'main.js'], run: ['node', 'main.js'] },
  r: {
    source: 'main.R',
    needs: 'Rscript',
    // --vanilla: no profile, site file or saved workspace of anyone's is read.
    compile: ['Rscript', '--vanilla', '-e', 'invisible(parse(file = "main.R"))'],
    run: ['Rscript', '--vanilla', 'main.R'],
  },
};
