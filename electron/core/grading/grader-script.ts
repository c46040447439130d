// ClassLab's notebook grader: a fixed Python program, the *program* of a grading run (a quick run in a
// throw-away container made from the lab's image, runs/sandbox-run.ts). Nothing of a notebook is ever
// part of this text; the notebook's cells arrive as JSON on its stdin (grader-protocol.ts).
//
// Inside the container, as the lab user, it:
// 1. reads all of stdin before anything of the student exists (the nonce is in it, and nowhere else:
//    not in argv, the environment or a file);
// 2. makes itself not dumpable (prctl PR_SET_DUMPABLE 0): the student's kernel runs as the same uid, and
//    without this it could read the nonce from /proc/PID/mem or open this process's /proc/PID/fd/*;
// 3. starts the kernel the instructor's notebook names, with /dev/null as its stdin, stdout and stderr
//    (nothing of this process is inherited), in a folder of the run's own tmpfs;
// 4. runs every cell in order with the per-cell time limit; on time-out interrupts the kernel, and when it
//    does not come back within a few seconds, reports the cells left as not run;
// 5. writes one line per graded cell, `\nNONCE {json}\n`, in one write(2) of less than PIPE_BUF bytes, so
//    a line is never split by whatever the student's code writes to the same pipe (through /proc/PID/fd/1
//    of another process of the run). The host keeps only lines that start with the nonce.
//
// What it cannot stop (design notes "Notebook grading"): the student's cells run in the same kernel as the
// tests before them, and may change that kernel (an input transformer that blanks a test cell, a patched
// `assert`): a verdict says the cell ran without an error *in the kernel the student's code left behind*.
export const GRADER_SCRIPT = String.raw`
import ctypes, json, os, queue, sys, time

def main():
    data = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdin.close()
    nonce = data["nonce"].encode("ascii")

    def say(obj):
        # One write of less than PIPE_BUF (4096) bytes: atomic on a pipe. A long message is shortened.
        while True:
            line = b"\n" + nonce + b" " + json.dumps(obj, ensure_ascii=True).encode("ascii") + b"\n"
            if len(line) < 4000 or not obj.get("message"):
                break
            obj["message"] = obj["message"][: len(obj["message"]) // 2]
        os.write(1, line)

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE
        say({"fatal": "the grader could not protect itself (prctl failed)"})
        return 3

    for d in ("home", "runtime", "ipython", "work", "config"):
        os.makedirs("/box/" + d, mode=0o700, exist_ok=True)
    env = {
        "HOME": "/box/home",
        "JUPYTER_RUNTIME_DIR": "/box/runtime",
        "JUPYTER_CONFIG_DIR": "/box/config",
        "IPYTHONDIR": "/box/ipython",
        "MPLCONFIGDIR": "/box/home",
        "MPLBACKEND": "Agg",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    os.environ.clear()
    os.environ.update(env)

    timeout = float(data["timeoutSeconds"])
    cells = data["cells"]
    graded = [c for c in cells if c["graded"]]

    def not_run(todo, why):
        for c in todo:
            if c["graded"]:
                say({"id": c["id"], "status": "not-run", "message": why})

    try:
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import start_new_kernel
    except Exception as e:
        say({"fatal": "this lab's image has no jupyter_client: " + str(e)[:200]})
        return 3

    kernel = data["kernel"]
    try:
        km, kc = start_new_kernel(
            startup_timeout=90,
            kernel_name=kernel,
            stdin=open(os.devnull, "rb"),
            stdout=open(os.devnull, "wb"),
            stderr=open(os.devnull, "wb"),
            cwd="/box/work",
            env=dict(env),
        )
    except NoSuchKernel:
        try:
            from jupyter_client.kernelspec import KernelSpecManager
            have = ", ".join(sorted(KernelSpecManager().find_kernel_specs()))
        except Exception:
            have = "none found"
        say({"fatal": "this lab's image has no kernel " + kernel + " (it has: " + have + ")", "missingKernel": True})
        return 3
    except Exception as e:
        say({"fatal": "the kernel " + kernel + " did not start: " + (type(e).__name__ + ": " + str(e))[:300]})
        return 3
    say({"kernel": "ready"})

    def reply_to(msg_id, until):
        while True:
            # Drain what the kernel prints: unread messages would pile up in this process's memory.
            for _ in range(200):
                try:
                    kc.get_iopub_msg(timeout=0)
                except queue.Empty:
                    break
            left = until - time.monotonic()
            if left <= 0:
                return None
            try:
                msg = kc.get_shell_msg(timeout=min(0.25, left))
            except queue.Empty:
                if not km.is_alive():
                    return "died"
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg.get("content", {})

    for i, c in enumerate(cells):
        msg_id = kc.execute(c["source"], silent=False, store_history=True, allow_stdin=False, stop_on_error=False)
        content = reply_to(msg_id, time.monotonic() + timeout)
        if content is None:
            if c["graded"]:
                say({"id": c["id"], "status": "timeout", "message": "ran longer than %g s" % timeout})
            try:
                km.interrupt_kernel()
            except Exception:
                pass
            back = reply_to(msg_id, time.monotonic() + 5)
            if back is None or back == "died":
                why = "the kernel did not stop after a cell ran out of time" if back is None else "the kernel died"
                not_run(cells[i + 1:], why)
                break
            # A kernel may take the interrupt late (IRkernel: measured, the next cell then failed with a bare
            # "Error"): a silent statement (the same in Python, R and Octave) takes it before the next cell,
            # until two in a row run clean.
            clean = 0
            for _ in range(8):
                time.sleep(0.25)
                settled = reply_to(kc.execute("1", silent=True, store_history=False, allow_stdin=False), time.monotonic() + 5)
                clean = clean + 1 if isinstance(settled, dict) and settled.get("status") == "ok" else 0
                if clean == 2:
                    break
            continue
        if content == "died":
            if c["graded"]:
                say({"id": c["id"], "status": "error", "ename": "KernelDied", "message": "the kernel died while this cell ran"})
            not_run(cells[i + 1:], "the kernel died in an earlier cell")
            break
        if not c["graded"]:
            continue
        if content.get("status") == "ok":
            say({"id": c["id"], "status": "passed"})
        else:
            ename = str(content.get("ename", "Error"))[:100]
            evalue = str(content.get("evalue", ""))[:300]
            say({"id": c["id"], "status": "error", "ename": ename, "message": evalue})

    try:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    except Exception:
        pass
    say({"done": len(graded)})
    return 0

sys.exit(main())
`;
