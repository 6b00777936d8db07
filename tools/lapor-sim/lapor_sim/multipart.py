"""Reading files out of a multipart/form-data body with the `email` package.

The `cgi` module that used to do this is gone from the standard library (Python 3.13).
"""

from __future__ import annotations

import email.policy
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import PurePosixPath


class MultipartError(ValueError):
    """The body is not multipart/form-data that can be read."""


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


def parse_files(content_type: str, body: bytes) -> list[UploadedFile]:
    """Every file part of the body, in order; plain form fields are skipped."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise MultipartError("Content-Type harus multipart/form-data.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise MultipartError("Badan multipart tidak dapat dibaca.")
    files = []
    for part in message.iter_parts():
        filename = part.get_filename()
        if filename is None:
            continue
        files.append(
            UploadedFile(
                field=part.get_param("name", header="content-disposition") or "",
                # Some browsers send the whole client path; keep only the last component.
                filename=PurePosixPath(filename.replace("\\", "/")).name,
                content_type=part.get_content_type(),
                data=part.get_payload(decode=True) or b"",
            )
        )
    return files
