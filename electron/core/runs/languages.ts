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
   * Checks the source before anything of it runs; a failure is a compile error. Python: `py_compile`
   * (the same parser as the run, in its own process, so the program then runs as plain `python3 main.py`
   * with no wrapper frame in its tracebacks); Bash: `bash -n` parses the whole script; C: gcc.
   */
  compile: string[];
  run: string[];
}

export const LANGUAGES: Record<RunLanguage, LanguageSpec> = {
  python: {
    source: 'main.py',
    needs: 'python3',
    // -I: isolated (no current folder on sys.path, no user site, no PYTHON* variables).
    compile: ['python3', '-I', '-m', 'py_compile', 'main.py'],
    run: ['python3', '-I', 'main.py'],
  },
  bash: { source: 'main.sh', needs: 'bash', compile: ['bash', '-n', 'main.sh'], run: ['bash', 'main.sh'] },
  c: { source: 'main.c', needs: 'gcc', compile: ['gcc', '-O2', '-std=gnu17', '-o', 'main', 'main.c', '-lm'], run: ['./main'] },
};
