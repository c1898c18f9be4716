"""Sign-in for the Streamlit app: who this session is, drawn in the sidebar.

Viewing never needs it. The configuration chooses the method:

- ``[auth]`` in ``.streamlit/secrets.toml``: Streamlit's OpenID Connect login
  (``st.login``) at the organisation's identity provider; the role comes
  from the user file (``gzgeo users add EMAIL --oidc --role editor``), else
  ``viewer``. The session ends ``GZGEO_SESSION_MAX_AGE`` seconds after the
  identity token was issued, or after ``GZGEO_SESSION_IDLE`` seconds idle.
- otherwise the local user file (:func:`gzgeo.auth.users_path`) with
  passwords, throttled and logged by :func:`gzgeo.auth.sign_in`.

The session's identity lives only on the server (``st.session_state``); the
browser never holds a token it could forge. :func:`current_identity` re-checks
expiry and the user file's role every time an action asks for it.
"""

from __future__ import annotations

import logging
import math
import time

import streamlit as st

from .auth import (
    ANONYMOUS,
    Identity,
    Session,
    SignInFailed,
    SignInThrottle,
    SignInThrottled,
    UserStore,
    sign_in,
    users_path,
)
from .i18n import t, value_label

__all__ = ["auth_mode", "current_identity", "sign_in_sidebar", "sign_out"]

log = logging.getLogger("gzgeo.auth")

SESSION_KEY = "_gzgeo_auth"
_NOTICE_KEY = "_gzgeo_auth_notice"


def auth_mode() -> str:
    """``"oidc"`` when ``[auth]`` is configured in Streamlit's secrets, else ``"local"`` (the user file)."""
    try:
        return "oidc" if "auth" in st.secrets else "local"
    except Exception:  # no secrets.toml at all: Streamlit raises rather than answering "no"
        return "local"


@st.cache_resource(show_spinner=False)
def _store(path: str) -> UserStore:
    return UserStore(path)


@st.cache_resource(show_spinner=False)
def _throttle() -> SignInThrottle:
    # One per server process: failures count across every browser session of this app.
    return SignInThrottle()


def _client() -> str:
    try:
        address = st.context.ip_address  # None when connected through localhost
    except Exception:
        return "unknown"
    return address if isinstance(address, str) and address else "local"


def _oidc_identity(store: UserStore) -> Identity:
    user = st.user
    if not getattr(user, "is_logged_in", False):
        st.session_state.pop(SESSION_KEY, None)
        return ANONYMOUS
    name = str(user.get("email") or user.get("sub") or "")
    session = st.session_state.get(SESSION_KEY)
    if session is None or session.identity.name != name:
        issued = user.get("iat")
        started = float(issued) if isinstance(issued, int | float) else time.time()
        session = Session(Identity(name, "viewer", "oidc"), started=started)
        log.info("sign-in (oidc): user=%r client=%s", name, _client())
    if session.expired():
        log.info("session expired (oidc): user=%r", name)
        st.session_state.pop(SESSION_KEY, None)
        st.session_state[_NOTICE_KEY] = "session_expired"
        st.logout()  # clears the identity cookie and reruns
        return ANONYMOUS
    session.identity = Identity(name, store.role_of(name) or "viewer", "oidc")
    session.touch()
    st.session_state[SESSION_KEY] = session
    return session.identity


def _local_identity(store: UserStore) -> Identity:
    session = st.session_state.get(SESSION_KEY)
    if session is None:
        return ANONYMOUS
    name = session.identity.name
    role = store.role_of(name)
    if role is None or session.expired():  # removed from the user file, or too old / idle
        log.info("session ended: user=%r (%s)", name, "removed" if role is None else "expired")
        st.session_state.pop(SESSION_KEY, None)
        st.session_state[_NOTICE_KEY] = "session_expired"
        return ANONYMOUS
    session.identity = Identity(name, role, "local")  # a changed role applies at once
    session.touch()
    return session.identity


def current_identity() -> Identity:
    """The identity of this session, re-checked now (expiry, the user file); :data:`~gzgeo.auth.ANONYMOUS` if none.

    Call it where an action is carried out, not only where its button is
    drawn: a control that was hidden can still not be used.
    """
    try:
        store = _store(str(users_path()))
        return _oidc_identity(store) if auth_mode() == "oidc" else _local_identity(store)
    except (OSError, ValueError) as error:  # unreadable or broken user file: nobody may edit
        log.error("user file %s unusable: %s", users_path(), error)
        st.session_state.pop(SESSION_KEY, None)
        return ANONYMOUS


def sign_out() -> None:
    """End this session's sign-in (local users; OIDC users also leave the identity provider's cookie)."""
    session = st.session_state.pop(SESSION_KEY, None)
    if session is not None:
        log.info("sign-out: user=%r", session.identity.name)


def _local_form(store: UserStore, lang: str) -> None:
    with st.sidebar.expander(t("signin_header", lang), expanded=False):
        st.caption(t("read_only_note", lang))
        try:
            no_users = len(store) == 0
        except (OSError, ValueError):
            no_users = True
        if no_users:
            st.caption(t("no_users", lang))
            return
        with st.form("gzgeo-signin", clear_on_submit=True, border=False):
            user = st.text_input(t("signin_user", lang), max_chars=128, autocomplete="username")
            password = st.text_input(
                t("signin_password", lang), type="password", max_chars=1024, autocomplete="current-password"
            )
            submitted = st.form_submit_button(t("signin_button", lang))
        if not submitted:
            return
        try:
            identity = sign_in(store, _throttle(), user, password, _client())
        except SignInThrottled as error:
            st.error(t("signin_throttled", lang).format(s=math.ceil(error.retry_after)))
        except SignInFailed:
            st.error(t("signin_failed", lang))
        else:
            st.session_state[SESSION_KEY] = Session(identity)
            st.rerun()


def sign_in_sidebar(lang: str) -> Identity:
    """Draw the sign-in (or the signed-in user and a sign-out button) in the sidebar; return the identity."""
    mode = auth_mode()
    identity = current_identity()
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.sidebar.info(t(notice, lang))
    if identity.method != "anonymous":
        # st.text, not markdown: a name from the identity provider is shown as it is, never interpreted.
        st.sidebar.text(
            t("signed_in_as", lang).format(name=identity.name, role=value_label("role", identity.role, lang))
        )
        if mode == "oidc":
            if st.sidebar.button(t("signout", lang), key="gzgeo-signout"):
                sign_out()
                st.logout()
        else:
            st.sidebar.button(t("signout", lang), key="gzgeo-signout", on_click=sign_out)
        return identity
    if mode == "oidc":
        if st.sidebar.button(t("signin_oidc", lang), key="gzgeo-signin-oidc"):
            st.login()
        return identity
    _local_form(_store(str(users_path())), lang)
    return identity
