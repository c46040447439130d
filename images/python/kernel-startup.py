# ClassLab: when a lab runs out of memory, the kernel that ran the cell (this process) must be the one the
# kernel's OOM killer picks, never the notebook server: the student then sees "kernel restarted" instead
# of a lab that stops answering. Raising one's own oom_score_adj needs no privilege.
try:
    with open('/proc/self/oom_score_adj', 'w') as f:
        f.write('1000')
except OSError:
    pass

# A cell that prints without end must not pile up hundreds of MiB between two flushes (every 0.2 s): the
# notebook server would have to take each of those messages whole. Past 64 KiB of pending output the
# cell waits for a flush, so output flows at the pace the server takes it (and its rate limit drops it).
# ipykernel 6.29 (Debian 13) keeps one buffer per parent message (_buffers); older ones had one (_buffer).
try:
    from ipykernel.iostream import OutStream

    _classlab_write = OutStream.write

    def _classlab_pending(stream):
        buffers = getattr(stream, '_buffers', None)
        if buffers is not None:
            return sum(b.tell() for b in list(buffers.values()))
        return stream._buffer.tell()

    def _classlab_bounded_write(self, string):
        n = _classlab_write(self, string)
        try:
            if _classlab_pending(self) > 65536:
                self.flush()
        except Exception:
            pass
        return n

    OutStream.write = _classlab_bounded_write
except Exception:
    pass
