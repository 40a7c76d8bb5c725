#!/usr/bin/python3
"""Attack programs for tests/attacks: the hostile half runs inside the jail,
the listeners and plants run on the host.  One subcommand per attack; each
prints what it got, so the test can check the effect did not happen."""
import ctypes
import os
import socket
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def sc(nr, *args):
    """Raw syscall; returns (result, errno)."""
    conv = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    r = libc.syscall(ctypes.c_long(nr), *conv)
    return r, ctypes.get_errno() if r < 0 else 0


def out(*a):
    print(*a, flush=True)


def tiocsti(argv):
    """tiocsti CMD TEXT [dev-tty|sctty]: push TEXT+newline into the terminal."""
    cmd, text = int(argv[0], 0), argv[1].encode() + b"\n"
    fd = 0
    if "dev-tty" in argv[2:]:
        try:
            fd = os.open("/dev/tty", os.O_RDWR)
        except OSError as e:
            out("open /dev/tty:", e.strerror)
            fd = 0
    if "sctty" in argv[2:]:
        out("TIOCSCTTY", sc(16, fd, 0x540E, 1))
    n = 0
    for ch in text:
        c = ctypes.c_char(ch)
        r, e = sc(16, fd, ctypes.c_ulong(cmd), ctypes.byref(c))
        if r != 0:
            out("ioctl errno", e)
            break
        n += 1
    out("pushed", n)


def tioclinux(argv):
    """TIOCLINUX subcode 3 (paste the selection) and 2 (set it)."""
    for sub in (2, 3):
        buf = ctypes.create_string_buffer(bytes([sub]) + b"\0" * 15)
        out("TIOCLINUX", sub, sc(16, 0, ctypes.c_ulong(0x541C), buf))


def syscalls(argv):
    """Report the result of each named probe: io_uring, bpf, ..."""
    buf = ctypes.create_string_buffer(256)
    probes = {
        "io_uring": lambda: sc(425, 4, buf),
        "bpf": lambda: bpf_map(),
        "userfaultfd": lambda: sc(323, 0),
        "perf": lambda: perf(),
        "keyctl": lambda: sc(250, 0, -4, 0),
        "mount": lambda: sc(165, b"none", b"/tmp", b"tmpfs", 0, 0),
        "fsopen": lambda: sc(430, b"tmpfs", 0),
        "open_tree": lambda: sc(428, -100, b"/tmp", 1),
        "move_mount": lambda: sc(429, -1, b"", -100, b"/tmp", 0),
        "unshare_user": lambda: sc(272, 0x10000000),
        "ptrace_traceme": lambda: sc(101, 0, 0, 0, 0),
        "process_vm_readv": lambda: sc(310, os.getppid() or 1, 0, 0, 0, 0, 0),
        "kexec_load": lambda: sc(246, 0, 0, 0, 0),
        "init_module": lambda: sc(175, 0, 0, b""),
    }
    for name in argv:
        r, e = probes[name]()
        out(name, "ok" if r >= 0 else "errno", e)


def bpf_map():
    attr = (ctypes.c_uint32 * 32)(1, 4, 4, 1)   # a tiny hash map
    return sc(321, 0, attr, 128)


def perf():
    attr = (ctypes.c_uint32 * 32)()
    attr[0], attr[1] = 1, 128                   # software, size
    return sc(298, attr, 0, -1, -1, 0)


def environ(argv):
    """environ PID: read a process's environment through /proc."""
    pid = argv[0]
    for what in ("environ", "cmdline"):
        try:
            with open(f"/proc/{pid}/{what}", "rb") as f:
                out(what, f.read().replace(b"\0", b" ").decode(errors="replace"))
        except OSError as e:
            out(what, e.strerror)
    try:
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        start, end = int(stat[47]), int(stat[48])   # env_start, env_end
    except (OSError, IndexError, ValueError) as e:
        out("stat", getattr(e, "strerror", str(e)))
        start = end = 0
    # environment straight from its memory
    if start and end > start:
        try:
            with open(f"/proc/{pid}/mem", "rb") as f:
                f.seek(start)
                out("mem", f.read(end - start).replace(b"\0", b" ").decode(errors="replace"))
        except OSError as e:
            out("mem", e.strerror)


def vmread(argv):
    """vmread PID: process_vm_readv of the target's environment block."""
    pid = int(argv[0])
    start, size = 0x400000, 4096
    try:
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        start, size = int(stat[47]), int(stat[48]) - int(stat[47])
    except (OSError, IndexError, ValueError) as e:
        out("stat", getattr(e, "strerror", str(e)))

    class iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    buf = ctypes.create_string_buffer(size)
    local = iovec(ctypes.addressof(buf), size)
    remote = iovec(start, size)
    r, e = sc(310, pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    out("process_vm_readv", r, "errno", e)
    if r > 0:
        out("data", buf.raw[:r].replace(b"\0", b" ").decode(errors="replace"))


def ptrace(argv):
    """ptrace PID: attach (and seize) the target."""
    pid = int(argv[0])
    out("PTRACE_ATTACH", sc(101, 16, pid, 0, 0))
    out("PTRACE_SEIZE", sc(101, 0x4206, pid, 0, 0))
    time.sleep(0.2)


def keyring(argv):
    """keyring plant CMD...: a session keyring holding a secret, then exec CMD;
    keyring read: search the session, user and user-session keyrings."""
    if argv[0] == "plant":
        sc(250, 1, None)                        # KEYCTL_JOIN_SESSION_KEYRING
        for ring in (-3, -4):
            sc(248, b"user", b"gl-attack", b"keyring-secret", 14, ring)
        os.execvp(argv[1], argv[1:])
    for ring in (-3, -4, -5):
        kid, e = sc(250, 10, ring, b"user", b"gl-attack", 0)
        if kid < 0:
            out("search", ring, "errno", e)
            continue
        buf = ctypes.create_string_buffer(64)
        n, e = sc(250, 11, kid, buf, 64)
        out("read", ring, buf.raw[:max(n, 0)].decode(errors="replace"))


def addr(kind, a):
    if kind == "abstract":
        return socket.AF_UNIX, socket.SOCK_STREAM, b"\0" + a.encode()
    if kind == "path":
        return socket.AF_UNIX, socket.SOCK_STREAM, a
    host, port = a.rsplit(":", 1)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    typ = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    return fam, typ, (host, int(port))


def listen(argv):
    """listen KIND ADDR LOG SECONDS: log 'ready', then every connection and
    datagram, until SECONDS pass."""
    kind, a, log, secs = argv[0], argv[1], argv[2], float(argv[3])
    fam, typ, sa = addr(kind, a)
    s = socket.socket(fam, typ)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(sa)
    if typ == socket.SOCK_STREAM:
        s.listen(8)
    s.settimeout(0.1)
    with open(log, "a") as f:
        f.write("ready\n")
    end = time.time() + secs
    while time.time() < end:
        try:
            if typ == socket.SOCK_STREAM:
                c, _ = s.accept()
                c.settimeout(0.5)
                try:
                    data = c.recv(100)
                except OSError:
                    data = b""
                msg = "connected " + data.decode(errors="replace")
            else:
                msg = "datagram " + s.recv(100).decode(errors="replace")
        except socket.timeout:
            continue
        with open(log, "a") as f:
            f.write(msg + "\n")


def connect(argv):
    """connect KIND ADDR: connect and send a message."""
    fam, typ, sa = addr(argv[0], argv[1])
    s = socket.socket(fam, typ)
    s.settimeout(1)
    try:
        if typ == socket.SOCK_DGRAM:
            s.sendto(b"escaped", sa)
            out("sent")
        else:
            s.connect(sa)
            s.sendall(b"escaped")
            out("connected")
    except OSError as e:
        out("refused:", e.strerror or str(e))


def forkbomb(argv):
    """forkbomb N: fork up to N sleeping children, print how many started."""
    n, kids = int(argv[0]), []
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError as e:
            out("fork failed:", e.strerror)
            break
        if pid == 0:
            time.sleep(10)
            os._exit(0)
        kids.append(pid)
    out("forked", len(kids))
    for k in kids:
        os.kill(k, 9)
    for k in kids:
        os.waitpid(k, 0)


def memhog(argv):
    """memhog MB: touch MB megabytes, printing progress every 16 MB."""
    chunks = []
    for i in range(1, int(argv[0]) + 1):
        try:
            chunks.append(bytearray(1 << 20))
        except MemoryError:
            out("MemoryError at", i)
            return
        if i % 16 == 0:
            out("allocated", i)


def shm(argv):
    """shm plant KEY TEXT | shm read KEY: a SysV shared memory segment."""
    libc.shmat.restype = ctypes.c_void_p
    key = int(argv[1], 0)
    if argv[0] == "plant":
        sid = libc.shmget(key, 4096, 0o1666)        # IPC_CREAT | 0666
        addr = libc.shmat(sid, None, 0)
        ctypes.memmove(addr, argv[2].encode(), len(argv[2]))
        libc.shmdt(ctypes.c_void_p(addr))
        out("planted", sid)
        return
    sid = libc.shmget(key, 0, 0)
    if sid < 0:
        out("shmget errno", ctypes.get_errno())
        return
    addr = libc.shmat(sid, None, 0o10000)            # SHM_RDONLY
    if addr in (None, ctypes.c_void_p(-1).value):
        out("shmat errno", ctypes.get_errno())
        return
    out("shm", ctypes.string_at(addr, 64).split(b"\0")[0].decode(errors="replace"))


CMDS = {f.__name__: f for f in (shm, tiocsti, tioclinux, syscalls, environ, vmread, ptrace,
                                keyring, listen, connect, forkbomb, memhog)}

if __name__ == "__main__":
    CMDS[sys.argv[1]](sys.argv[2:])
