"""TLS failures named as TLS failures, with what a technician should check.

requests reports a refused certificate as a generic `SSLError` inside a `ConnectionError`
inside a `MaxRetryError`; `describe_tls_failure` digs out the cause and says it in words,
for the adapter's error messages and for `kiosk selftest`.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator

from kiosk.safe_text import printable

_UNTRUSTED = {2, 18, 19, 20, 21, 24, 27, 28}
"""OpenSSL verify codes: issuer unknown, self-signed, not a CA, untrusted, rejected."""
_NOT_YET_VALID = 9
_EXPIRED = 10
_NAME_MISMATCH = {62, 64}
"""X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH."""

_CHECK = "check base_url, the system CA certificates and the clock"


def causes(error: BaseException) -> Iterator[object]:
    """`error` and what it wraps (requests and urllib3 nest their errors in args and reason;
    an error raised `from None` still holds the one it replaced as its context)."""
    seen: list[object] = []
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        yield current
        if isinstance(current, BaseException):
            pending += [*current.args, current.__cause__, current.__context__]
        pending.append(getattr(current, "reason", None))


def _is_name_mismatch(error: object) -> bool:
    """urllib3 checks the host name itself in some set-ups and raises its own error."""
    return type(error).__name__ == "CertificateError" and isinstance(error, ValueError)


def certificate_refused(error: BaseException) -> bool:
    """Whether the failure is LAPOR!'s certificate being refused (before anything was sent)."""
    return any(
        isinstance(cause, ssl.SSLCertVerificationError) or _is_name_mismatch(cause)
        for cause in causes(error)
    )


def describe_tls_failure(error: BaseException) -> str | None:
    """What went wrong with TLS in `error` (a requests/urllib3/ssl error, or an `ApiError`
    the adapter raised for one), and what to check; None when TLS is not the cause."""
    found = list(causes(error))
    for cause in found:
        if isinstance(cause, ssl.SSLCertVerificationError):
            reason = printable(cause.verify_message or cause.reason or cause, 200)
            code = cause.verify_code
            if code in _UNTRUSTED:
                return (
                    f"TLS: LAPOR!'s certificate is not trusted by this terminal ({reason}):"
                    f" {_CHECK}"
                )
            if code in _NAME_MISMATCH:
                return (
                    f"TLS: LAPOR!'s certificate is not for the host in base_url ({reason}):"
                    " check [lapor] base_url"
                )
            if code == _EXPIRED:
                return (
                    f"TLS: LAPOR!'s certificate has expired ({reason}): if this terminal's"
                    " clock is ahead, set it (timedatectl, NTP); else LAPOR! must renew it"
                )
            if code == _NOT_YET_VALID:
                return (
                    f"TLS: LAPOR!'s certificate is not valid yet ({reason}): this terminal's"
                    " clock may be wrong: check the date and time (timedatectl, NTP)"
                )
            return f"TLS: LAPOR!'s certificate was refused ({reason}): {_CHECK}"
        if _is_name_mismatch(cause):
            return (
                f"TLS: LAPOR!'s certificate is not for the host in base_url"
                f" ({printable(cause, 200)}): check [lapor] base_url"
            )
    for cause in found:
        if isinstance(cause, ssl.SSLError) and not isinstance(
            cause, ssl.SSLEOFError | ssl.SSLZeroReturnError
        ):
            reason = printable(cause.reason or cause, 200)
            return (
                f"TLS: the secure connection to LAPOR! failed ({reason}): check that"
                " base_url is the https:// address of LAPOR!'s TLS service"
            )
    return None
