"""Confines the sandbox process before user code runs: filesystem, resource limits, capabilities, syscalls.

In `namespaces` isolation the process is pid 1 of fresh user, network, pid, mount, IPC and UTS namespaces
(made by `unshare`), root there and nowhere else. It then masks the paths that may hold secrets, makes every
mount read-only, mounts an empty tmpfs on /tmp as its working directory, and gives up all capabilities, so it
can neither undo the mounts (e.g. unmount the fresh /proc to see the host's processes) nor make new ones.
In `lambda` isolation (inside the sandbox Lambda, where no namespace can be made) the filesystem is Lambda's
read-only image plus /tmp, which the runner wipes after each call; network isolation comes from the function's
VPC and the syscall filter. Both then set the rlimits and install the syscall filter. Stdlib only.
"""

import ctypes
import errno
import os
import resource
import stat

# Inside the sandbox this directory is the import path (the package is not importable there, and importing
# typing would cost milliseconds on every call); mypy reads the package path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from shared.evaluation.sandbox.inside.seccomp import install as install_seccomp
else:
    from seccomp import install as install_seccomp

AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
SYS_MOUNT_SETATTR = 442  # the same number on every architecture
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_BIND = 0x1000
PR_CAPBSET_DROP = 24
LINUX_CAPABILITY_VERSION_3 = 0x20080522
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
LAST_CAP = 63
SCRATCH = "/tmp"


class ConfineError(Exception):
    pass


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _fail(what: str) -> ConfineError:
    code = ctypes.get_errno()
    return ConfineError(f"{what}: {errno.errorcode.get(code, str(code))} ({os.strerror(code)})")


def _mount(libc: ctypes.CDLL, source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    result = libc.mount(
        source.encode(), target.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None
    )
    if result != 0:
        raise _fail(f"mount {target}")


def confine_filesystem(mask_paths: list[str], scratch_mb: int) -> None:
    """Namespaces only: hide secrets, make everything read-only, and work in a private tmpfs."""
    libc = _libc()
    for path in mask_paths:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue  # nothing there to hide
        if stat.S_ISDIR(mode):
            _mount(libc, "tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0")
        else:
            _mount(libc, "/dev/null", path, None, MS_BIND, None)
    attr = _MountAttr(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0)
    libc.syscall.restype = ctypes.c_long
    result = libc.syscall(
        ctypes.c_long(SYS_MOUNT_SETATTR),
        ctypes.c_int(AT_FDCWD),
        b"/",
        ctypes.c_uint(AT_RECURSIVE),
        ctypes.byref(attr),
        ctypes.c_size_t(ctypes.sizeof(attr)),
    )
    if result != 0:
        raise _fail("making the filesystem read-only (mount_setattr needs Linux 5.12 or later)")
    _mount(libc, "tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={scratch_mb}m,mode=0700")
    os.chdir(SCRATCH)


def set_limits(*, cpu_s: int, memory_mb: int, limit_address_space: bool, file_mb: int, open_files: int) -> None:
    """Hard limits the process cannot raise again. Node reserves far more address space than it uses, so for
    it the memory limit applies to the data segment (heap and anonymous mappings) instead."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))  # SIGXCPU at the soft limit, SIGKILL at the hard
    resource.setrlimit(resource.RLIMIT_AS if limit_address_space else resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def drop_capabilities() -> None:
    """Empties the bounding set and every capability set; with no_new_privs (set with the filter) no later
    exec gets any back, even as uid 0."""
    libc = _libc()
    for cap in range(LAST_CAP + 1):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break  # past the last capability this kernel knows
    number = SYS_CAPSET.get(os.uname().machine)
    if number is None:
        raise ConfineError(f"the sandbox cannot drop capabilities on {os.uname().machine}")
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.syscall(ctypes.c_long(number), ctypes.byref(header), ctypes.byref(data)) != 0:
        raise _fail("dropping capabilities")
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("CapEff:", "CapPrm:")) and int(line.split()[1], 16) != 0:
                raise ConfineError(f"capabilities remain after dropping them: {line.strip()}")


def confine(
    *,
    isolation: str,
    mask_paths: list[str],
    scratch_mb: int,
    cpu_s: int,
    memory_mb: int,
    limit_address_space: bool,
    file_mb: int,
    open_files: int,
) -> None:
    if isolation == "namespaces":
        confine_filesystem(mask_paths, scratch_mb)
    elif isolation != "lambda":
        raise ConfineError(f"unknown isolation {isolation!r}")
    set_limits(
        cpu_s=cpu_s,
        memory_mb=memory_mb,
        limit_address_space=limit_address_space,
        file_mb=file_mb,
        open_files=open_files,
    )
    drop_capabilities()
    install_seccomp()
