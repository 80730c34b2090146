"""A seccomp-bpf filter that takes from user code what an evaluator never needs.

No new processes (threads stay allowed: Node needs them), no sockets of any family (so no network and no
local service, such as Lambda's runtime API on 127.0.0.1, even where no network namespace can be made;
socketpair stays, asyncio needs it and its two ends reach nothing but each other),
no io_uring (it opens sockets past the filter), no tracing or reading of other processes' memory, no new
namespaces or mounts, no System V or POSIX IPC objects (they outlive the process and the next caller in the
same Lambda environment would find them). A denied call fails with EPERM, which user code sees as an
ordinary error. Stdlib only: this runs inside the sandbox, before user code.
"""

import ctypes
import errno
import os
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
CLONE_THREAD = 0x00010000
X32_SYSCALL_BIT = 0x40000000

# BPF opcodes (linux/filter.h)
LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
OFFSET_NR = 0
OFFSET_ARCH = 4
OFFSET_ARG0_LOW = 16  # little-endian: the low 32 bits of args[0]

DENIED_NAMES = (
    "fork",
    "vfork",
    "socket",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "mount_setattr",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsmount",
    "fspick",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "shmget",
    "msgget",
    "semget",
    "mq_open",
)


class Arch:
    def __init__(self, audit: int, numbers: dict[str, int], *, x32: bool = False) -> None:
        self.audit = audit
        self.numbers = numbers
        self.x32 = x32


ARCHES = {
    "x86_64": Arch(
        0xC000003E,
        {
            "clone": 56,
            "clone3": 435,
            "fork": 57,
            "vfork": 58,
            "socket": 41,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "unshare": 272,
            "setns": 308,
            "mount": 165,
            "umount2": 166,
            "pivot_root": 155,
            "chroot": 161,
            "mount_setattr": 442,
            "open_tree": 428,
            "move_mount": 429,
            "fsopen": 430,
            "fsmount": 432,
            "fspick": 433,
            "bpf": 321,
            "perf_event_open": 298,
            "userfaultfd": 323,
            "keyctl": 250,
            "add_key": 248,
            "request_key": 249,
            "shmget": 29,
            "msgget": 68,
            "semget": 64,
            "mq_open": 240,
        },
        x32=True,
    ),
    "aarch64": Arch(
        0xC00000B7,
        {
            "clone": 220,
            "clone3": 435,
            "socket": 198,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "unshare": 97,
            "setns": 268,
            "mount": 40,
            "umount2": 39,
            "pivot_root": 41,
            "chroot": 51,
            "mount_setattr": 442,
            "open_tree": 428,
            "move_mount": 429,
            "fsopen": 430,
            "fsmount": 432,
            "fspick": 433,
            "bpf": 280,
            "perf_event_open": 241,
            "userfaultfd": 282,
            "keyctl": 219,
            "add_key": 217,
            "request_key": 218,
            "shmget": 194,
            "msgget": 186,
            "semget": 190,
            "mq_open": 180,
        },
    ),
}


class SeccompError(Exception):
    pass


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)


def build_filter(arch: Arch) -> list[bytes]:
    """The program: wrong architecture or a denied call → EPERM; clone without CLONE_THREAD → EPERM;
    clone3 → ENOSYS (its flags sit behind a pointer the filter cannot read; libc then falls back to clone)."""
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    denied = [arch.numbers[name] for name in DENIED_NAMES if name in arch.numbers]
    body: list[bytes] = []
    # Layout after the header: [x32 check] [one JEQ per denied call] [clone3] [clone] ALLOW DENY ENOSYS CLONE...
    checks = (1 if arch.x32 else 0) + len(denied) + 2
    allow_at = checks  # index within `body` of the ALLOW return
    deny_at = allow_at + 1
    enosys_at = allow_at + 2
    clone_at = allow_at + 3
    position = 0
    if arch.x32:
        body.append(_insn(JGE_K, X32_SYSCALL_BIT, jt=deny_at - position - 1))
        position += 1
    for number in denied:
        body.append(_insn(JEQ_K, number, jt=deny_at - position - 1))
        position += 1
    body.append(_insn(JEQ_K, arch.numbers["clone3"], jt=enosys_at - position - 1))
    position += 1
    body.append(_insn(JEQ_K, arch.numbers["clone"], jt=clone_at - position - 1))
    body += [
        _insn(RET_K, SECCOMP_RET_ALLOW),
        _insn(RET_K, deny),
        _insn(RET_K, SECCOMP_RET_ERRNO | errno.ENOSYS),
        # clone: a thread (CLONE_THREAD set) is allowed, anything else is a new process.
        _insn(LD_W_ABS, OFFSET_ARG0_LOW),
        _insn(JSET_K, CLONE_THREAD, jt=0, jf=1),
        _insn(RET_K, SECCOMP_RET_ALLOW),
        _insn(RET_K, deny),
    ]
    header = [
        _insn(LD_W_ABS, OFFSET_ARCH),
        _insn(JEQ_K, arch.audit, jt=1, jf=0),
        _insn(RET_K, deny),  # a syscall of another ABI (e.g. i386 through int 0x80)
        _insn(LD_W_ABS, OFFSET_NR),
    ]
    return header + body


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> None:
    """Sets no_new_privs and installs the filter for this process and everything it executes."""
    machine = os.uname().machine
    arch = ARCHES.get(machine)
    if arch is None:
        raise SeccompError(f"the sandbox has no syscall filter for the {machine} architecture")
    program = b"".join(build_filter(arch))
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompError(f"prctl(NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SeccompError(f"installing the seccomp filter failed: {errno.errorcode.get(ctypes.get_errno(), '?')}")
