"""Kernel-enforced limits for processes that run untrusted input: no network sockets.

A text scanner cannot keep a query off the network (the engine's parser reads some texts
differently), so each query or parse process installs a seccomp filter before it reads its
first task: ``socket()`` fails with ``EACCES`` for ``AF_INET`` and ``AF_INET6``. Unix sockets
(the process's own channel, made before) keep working, and a filter once loaded cannot be
removed by the process or its children.

The filter is built with libseccomp through ``pyseccomp`` (ctypes over the system library).
Where either is missing, :func:`block_network` raises :class:`SandboxUnavailable`; servers
then refuse to start unless guard-only mode was accepted explicitly.
"""

from __future__ import annotations

import errno
import socket

from kg.errors import ConfigError

#: Address families a sandboxed process may not open sockets for.
BLOCKED_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class SandboxUnavailable(RuntimeError):
    """seccomp (libseccomp or its binding) cannot be used on this machine."""


def block_network() -> None:
    """Make ``socket(AF_INET|AF_INET6, ...)`` fail with ``EACCES`` in this process and its
    children, for the rest of their lives.

    :raises SandboxUnavailable: when libseccomp or ``pyseccomp`` is missing or the kernel
        refuses the filter.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as exc:  # OSError: the binding found no libseccomp
        raise SandboxUnavailable(f"seccomp is not available: {exc}") from None
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for family in BLOCKED_FAMILIES:
            rules.add_rule(
                seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family)
            )
        rules.load()
    except (OSError, RuntimeError, ValueError) as exc:
        raise SandboxUnavailable(f"the seccomp filter could not be loaded: {exc}") from None


def network_blocked() -> bool:
    """True when this process cannot open an internet socket (the filter is in force)."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except PermissionError:
        return True
    probe.close()
    return False


def available() -> bool:
    """True when :func:`block_network` can work here (checked in a throwaway child process,
    so the caller stays unfiltered)."""
    import subprocess
    import sys

    code = (
        "from kg.sandbox import block_network, network_blocked\n"
        "block_network()\n"
        "raise SystemExit(0 if network_blocked() else 1)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


#: The line logged when a server or query runs without the sandbox (guard-only mode).
GUARD_ONLY_WARNING = (
    "WARNING: seccomp is unavailable and KG_ALLOW_GUARD_ONLY is set: query processes CAN "
    "open internet sockets; the query guard is the only defence against SERVICE and LOAD "
    "reaching the network"
)


def require(allow_guard_only: bool) -> str | None:
    """Check that query processes can be sandboxed here.

    :param allow_guard_only: accept running without the sandbox.
    :return: None when the sandbox works; the warning to log when it does not and guard-only
        mode is accepted.
    :raises ConfigError: when the sandbox does not work and guard-only mode is not accepted.
    """
    if available():
        return None
    if not allow_guard_only:
        raise ConfigError(
            "seccomp is unavailable (libseccomp or pyseccomp missing), so query processes "
            "cannot be kept off the network; refusing to run queries (KG_ALLOW_GUARD_ONLY=true "
            "accepts the query guard as the only defence)"
        )
    return GUARD_ONLY_WARNING
