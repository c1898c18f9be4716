"""Who may change the map: roles, a local user file with salted password hashes, sign-in throttling, sessions.

Viewing needs no identity. Changing the workspace (import, geocode, correct,
undo) needs a signed-in ``editor`` or ``admin``; an ``admin`` may also undo
anyone's edit, an ``editor`` only their own.

Two ways to sign in, chosen by the app's configuration (see ``docs/app.md``):

- an organisation's identity provider through Streamlit's OpenID Connect
  login (``st.login``) when ``[auth]`` is set in ``.streamlit/secrets.toml``;
  its users get a role from the user file (``gzgeo users add NAME --oidc``),
  ``viewer`` otherwise;
- otherwise the local user file (``GZGEO_USERS``, default
  ``users.json`` in the user's data folder), managed with
  ``gzgeo users add|remove|list``. Passwords are stored only as Argon2id
  hashes (``argon2-cffi``: salted, memory-hard); the file is written to a
  temporary file and renamed into place, readable by its owner only.

Failed sign-ins are slowed down (a delay doubling with each failure) and,
after :attr:`SignInThrottle.max_failures` within the window, refused per user
name and per client address; they are logged on the ``gzgeo.auth`` logger
with the user name and client, never the password.

Examples
--------
>>> import tempfile, pathlib
>>> store = UserStore(pathlib.Path(tempfile.mkdtemp()) / "users.json")
>>> store.add("alice", "correct horse battery", role="editor")
>>> store.verify("alice", "correct horse battery")
Identity(name='alice', role='editor', method='local')
>>> store.verify("alice", "wrong password") is None
True
>>> "correct horse" in store.path.read_text()
False
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._io import atomic_path, user_data_dir

__all__ = [
    "ROLES",
    "EDIT_ROLES",
    "Identity",
    "ANONYMOUS",
    "PermissionDenied",
    "SignInFailed",
    "SignInThrottled",
    "UserStore",
    "SignInThrottle",
    "Session",
    "users_path",
    "require_editor",
    "may_undo",
    "sign_in",
    "session_limits",
    "validate_user_name",
]

log = logging.getLogger("gzgeo.auth")

#: Roles, weakest first.
ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
#: Roles that may change the workspace.
EDIT_ROLES: frozenset[str] = frozenset({"editor", "admin"})

#: Passwords shorter than this are refused when a user is added.
MIN_PASSWORD_LENGTH = 8
#: Longer passwords are refused before hashing: hashing work per request stays bounded.
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
_FILE_VERSION = 1


class PermissionDenied(PermissionError):
    """The identity may not do this (viewer editing, editor undoing someone else's edit)."""


class SignInFailed(Exception):
    """Unknown user or wrong password (the message never says which)."""


class SignInThrottled(SignInFailed):
    """Too many failures for this user name or client: try again after :attr:`retry_after` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"too many failed sign-ins; try again in {math.ceil(retry_after)} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Identity:
    """Who is using gzgeo: a name (recorded in the edit log), a role and how they signed in.

    ``method`` is ``local`` (user file), ``oidc`` (identity provider),
    ``os`` (the command line: the operating-system user) or ``anonymous``.

    Examples
    --------
    >>> Identity("bob", "viewer", "local").can_edit
    False
    >>> ANONYMOUS.can_edit, Identity("ann", "admin", "oidc").can_edit
    (False, True)
    """

    name: str
    role: str
    method: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES and self.method != "anonymous" and bool(self.name)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and self.can_edit


#: Nobody signed in: may view, never edit.
ANONYMOUS = Identity("", "viewer", "anonymous")


def require_editor(identity: Identity | None) -> None:
    """Raise :class:`PermissionDenied` unless ``identity`` is a signed-in editor or admin.

    Examples
    --------
    >>> require_editor(Identity("ann", "editor", "local"))
    >>> require_editor(ANONYMOUS)
    Traceback (most recent call last):
    ...
    gzgeo.auth.PermissionDenied: editing needs a signed-in editor
    """
    if identity is None or not identity.can_edit:
        raise PermissionDenied("editing needs a signed-in editor")


def may_undo(identity: Identity | None, batch_actor: str) -> bool:
    """Whether ``identity`` may undo an edit made by ``batch_actor``: an admin any, an editor their own.

    Examples
    --------
    >>> may_undo(Identity("ann", "editor", "local"), "ann"), may_undo(Identity("ann", "editor", "local"), "bo")
    (True, False)
    >>> may_undo(Identity("root", "admin", "local"), "bo")
    True
    """
    if identity is None or not identity.can_edit:
        return False
    return identity.is_admin or identity.name == batch_actor


def validate_user_name(name: str) -> str:
    """A user name, checked: letters, digits and ``. _ @ + -``, at most 128 characters.

    Examples
    --------
    >>> validate_user_name("li.wei@example.org")
    'li.wei@example.org'
    >>> validate_user_name("<script>")
    Traceback (most recent call last):
    ...
    ValueError: user name '<script>' may only use letters, digits and . _ @ + - (at most 128)
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"user name {name!r} may only use letters, digits and . _ @ + - (at most 128)")
    return name


def users_path(path: str | os.PathLike | None = None) -> Path:
    """The user file in use: ``path``, else ``GZGEO_USERS``, else ``users.json`` beside the default workspace.

    Examples
    --------
    >>> users_path("team/users.json").name
    'users.json'
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("GZGEO_USERS")
    if env:
        return Path(env)
    return user_data_dir() / "users.json"  # the same per-user data folder as the default workspace


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())


class UserStore:
    """The local user file: names, roles and Argon2id password hashes (JSON).

    Parameters
    ----------
    path : path, optional
        The file (see :func:`users_path`); created by the first :meth:`add`.
    hasher : argon2.PasswordHasher, optional
        Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile)
        unless given.

    Notes
    -----
    The file is re-read whenever it changes on disk, so a running app sees
    ``gzgeo users add/remove`` at the next sign-in. A removed user's open
    sessions end at their next action (:meth:`role_of` returns None).
    """

    def __init__(self, path: str | os.PathLike | None = None, hasher: Any = None):
        from argon2 import PasswordHasher

        self.path = users_path(path)
        self._hasher = hasher or PasswordHasher()
        self._lock = threading.Lock()
        self._cache: tuple[tuple[int, int] | None, dict] = (None, {})
        self._dummy: str | None = None

    # -- file --------------------------------------------------------------------------------
    def _read(self) -> dict[str, dict]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._cache[0] == key:
                return self._cache[1]
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != _FILE_VERSION:
                raise ValueError(f"{self.path}: not a gzgeo user file (version {_FILE_VERSION})")
            users = {str(k): dict(v) for k, v in (data.get("users") or {}).items()}
            self._cache = (key, users)
            return users

    def _write(self, users: dict[str, dict]) -> None:
        doc = {"version": _FILE_VERSION, "users": dict(sorted(users.items()))}
        _write_private(self.path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")

    # -- management --------------------------------------------------------------------------
    def add(
        self, name: str, password: str | None = None, role: str = "editor", *, oidc: bool = False, replace: bool = False
    ) -> None:
        """Add a user (or, with ``replace``, reset their password and role).

        Parameters
        ----------
        name : str
            User name (:func:`validate_user_name`); for ``oidc`` users the
            identity provider's e-mail (or subject).
        password : str, optional
            At least :data:`MIN_PASSWORD_LENGTH` characters; stored only as a
            salted Argon2id hash. Not allowed for ``oidc`` users, required
            otherwise.
        role : {"viewer", "editor", "admin"}
        oidc : bool
            The user signs in at the organisation's identity provider; the
            file only gives them a role.
        replace : bool
            Overwrite an existing user instead of refusing.
        """
        validate_user_name(name)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if oidc:
            if password is not None:
                raise ValueError("an OIDC user signs in at the identity provider: no password here")
            entry: dict[str, Any] = {"role": role, "kind": "oidc"}
        else:
            if not password or len(password) < MIN_PASSWORD_LENGTH:
                raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
            if len(password) > MAX_PASSWORD_LENGTH:
                raise ValueError(f"password must have at most {MAX_PASSWORD_LENGTH} characters")
            entry = {"role": role, "kind": "password", "hash": self._hasher.hash(password)}
        users = dict(self._read())
        if name in users and not replace:
            raise ValueError(f"user {name!r} exists (use --replace to reset password and role)")
        entry["created"] = users.get(name, {}).get("created") or _now_iso()
        entry["updated"] = _now_iso()
        users[name] = entry
        self._write(users)

    def remove(self, name: str) -> None:
        """Remove a user; KeyError if there is none."""
        users = dict(self._read())
        if name not in users:
            raise KeyError(f"no user {name!r}")
        del users[name]
        self._write(users)

    def list(self) -> list[dict]:
        """Every user: name, role, kind (``password`` or ``oidc``), created, updated; never the hash."""
        return [
            {
                "name": name,
                "role": e.get("role"),
                "kind": e.get("kind"),
                "created": e.get("created"),
                "updated": e.get("updated"),
            }
            for name, e in sorted(self._read().items())
        ]

    def role_of(self, name: str) -> str | None:
        """The role of ``name`` in the file, or None."""
        entry = self._read().get(name)
        return entry.get("role") if entry else None

    def __len__(self) -> int:
        return len(self._read())

    # -- checking ----------------------------------------------------------------------------
    def verify(self, name: str, password: str) -> Identity | None:
        """The identity if ``password`` is ``name``'s, else None (same cost whether or not the user exists)."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_LENGTH:
            return None
        entry = self._read().get(name) if isinstance(name, str) else None
        stored = entry.get("hash") if entry and entry.get("kind") == "password" else None
        if stored is None and self._dummy is None:
            # Verifying against this when the user does not exist costs the same as a real check:
            # response time does not tell which user names exist.
            self._dummy = self._hasher.hash("gzgeo-no-such-user")
        try:
            self._hasher.verify(stored or self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if stored is None:
            return None
        if self._hasher.check_needs_rehash(stored):  # stronger parameters since the hash was made
            users = dict(self._read())
            users[name] = {**entry, "hash": self._hasher.hash(password), "updated": _now_iso()}
            self._write(users)
        return Identity(name, entry["role"], "local")


@dataclass
class _Failures:
    times: deque = field(default_factory=deque)


class SignInThrottle:
    """Failed sign-ins per user name and per client: an increasing delay, then a lockout for a while.

    Parameters
    ----------
    max_failures : int
        Failures within ``window_s`` after which a user name or client is
        refused without checking the password.
    window_s : float
        How long a failure counts (seconds).
    base_delay_s, max_delay_s : float
        A failed attempt waits ``base_delay_s * 2**(n-1)`` seconds (n: the
        failures so far for that user or client), at most ``max_delay_s``.
    clock, sleep : callables
        ``time.monotonic`` and ``time.sleep`` unless given.

    Examples
    --------
    >>> throttle = SignInThrottle(max_failures=2, base_delay_s=0.0)
    >>> throttle.failure("ann", "10.0.0.9")
    0.0
    >>> throttle.failure("ann", "10.0.0.7")
    0.0
    >>> throttle.check("ann", "10.0.0.5")
    Traceback (most recent call last):
    ...
    gzgeo.auth.SignInThrottled: too many failed sign-ins; try again in 900 s
    """

    #: At most this many user names and clients are tracked (work and memory per request stay bounded).
    MAX_KEYS = 10_000

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 900.0,
        base_delay_s: float = 0.5,
        max_delay_s: float = 8.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.max_failures, self.window_s = int(max_failures), float(window_s)
        self.base_delay_s, self.max_delay_s = float(base_delay_s), float(max_delay_s)
        self._clock, self._sleep = clock, sleep
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        entry = self._failures.get(key)
        if entry is None:
            return deque()
        while entry.times and now - entry.times[0] > self.window_s:
            entry.times.popleft()
        if not entry.times:
            del self._failures[key]
            return deque()
        return entry.times

    def failures(self, user: str, client: str) -> int:
        """Failures within the window: the larger of the user name's and the client's."""
        now = self._clock()
        with self._lock:
            return max(len(self._recent(f"u:{user}", now)), len(self._recent(f"c:{client}", now)))

    def check(self, user: str, client: str) -> None:
        """Raise :class:`SignInThrottled` if the user name or the client is locked out."""
        now = self._clock()
        with self._lock:
            for key in (f"u:{user}", f"c:{client}"):
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    raise SignInThrottled(self.window_s - (now - times[-self.max_failures]))

    def failure(self, user: str, client: str) -> float:
        """Record a failure, wait the increasing delay, and return it (seconds)."""
        now = self._clock()
        with self._lock:
            if len(self._failures) >= self.MAX_KEYS:  # drop the stalest entries first
                for key in sorted(self._failures, key=lambda k: self._failures[k].times[-1])[: self.MAX_KEYS // 10]:
                    del self._failures[key]
            counts = []
            for key in (f"u:{user}", f"c:{client}"):
                self._recent(key, now)
                entry = self._failures.setdefault(key, _Failures())
                entry.times.append(now)
                counts.append(len(entry.times))
        delay = min(self.base_delay_s * 2 ** (max(counts) - 1), self.max_delay_s)
        if delay > 0:
            self._sleep(delay)
        return delay

    def success(self, user: str, client: str) -> None:
        """Forget the user name's failures (the client's stay: one client guessing many names is still slowed)."""
        with self._lock:
            self._failures.pop(f"u:{user}", None)


def sign_in(store: UserStore, throttle: SignInThrottle, name: str, password: str, client: str = "unknown") -> Identity:
    """Check a local user's password, throttled and logged (never the password).

    Returns
    -------
    Identity
        The signed-in user.

    Raises
    ------
    SignInThrottled
        Too many recent failures for this user name or client (not even checked).
    SignInFailed
        Unknown user or wrong password, after the increasing delay.
    """
    name = (name or "").strip()[:256]  # longer is no user name; it is cut so the log and the throttle stay small
    try:
        throttle.check(name, client)
    except SignInThrottled:
        log.warning("sign-in refused (throttled): user=%r client=%s", name, client)
        raise
    identity = store.verify(name, password)
    if identity is None:
        n = throttle.failures(name, client) + 1
        log.warning("sign-in failed: user=%r client=%s failures=%d", name, client, n)
        throttle.failure(name, client)
        raise SignInFailed("unknown user or wrong password")
    throttle.success(name, client)
    log.info("sign-in: user=%r role=%s client=%s", identity.name, identity.role, client)
    return identity


def session_limits() -> tuple[float, float]:
    """``(max_age_s, idle_s)`` of a signed-in session, in seconds.

    ``GZGEO_SESSION_MAX_AGE`` (default 8 h) and ``GZGEO_SESSION_IDLE`` (default 30 min).

    Examples
    --------
    >>> session_limits() if "GZGEO_SESSION_MAX_AGE" not in os.environ else (28800.0, 1800.0)
    (28800.0, 1800.0)
    """

    def read(name: str, default: float) -> float:
        value = os.environ.get(name)
        try:
            return float(value) if value else default
        except ValueError:
            log.warning("%s=%r is not a number of seconds; using %s", name, value, default)
            return default

    return read("GZGEO_SESSION_MAX_AGE", 8 * 3600.0), read("GZGEO_SESSION_IDLE", 1800.0)


@dataclass
class Session:
    """A signed-in session: expires ``max_age_s`` after sign-in or ``idle_s`` after the last action.

    Times are ``time.time()`` seconds (UTC epoch) so they compare with an
    OIDC token's ``iat``.

    Examples
    --------
    >>> s = Session(Identity("ann", "editor", "local"), started=1000.0, last_seen=1000.0)
    >>> s.expired(now=1000.0 + 60, max_age_s=3600, idle_s=1800)
    False
    >>> s.expired(now=1000.0 + 1801, max_age_s=3600, idle_s=1800)
    True
    """

    identity: Identity
    started: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)

    def expired(self, now: float | None = None, max_age_s: float | None = None, idle_s: float | None = None) -> bool:
        if max_age_s is None or idle_s is None:
            default_age, default_idle = session_limits()
            max_age_s = default_age if max_age_s is None else max_age_s
            idle_s = default_idle if idle_s is None else idle_s
        now = time.time() if now is None else now
        return now - self.started > max_age_s or now - self.last_seen > idle_s

    def touch(self, now: float | None = None) -> None:
        self.last_seen = time.time() if now is None else now
