"""Recordings named in a `kiosk submit` file, read safely from one folder.

A path in a reports file is the file's author's word, not the technician's: it is read only
if it names a regular file beneath the folder (no `..`, no absolute path, no symbolic link at
any step, never a FIFO or a device), its size is checked with `fstat` before a byte is read,
the read stops at that size, and the bytes must decode as audio of a plausible length in the
format its name says. Every refusal is a `FieldError` of the field `attachments`.

The files of one submit may add up to `MAX_SUBMIT_BYTES`: they are held in memory until the
one transaction that stores them all, and that transaction holds the store's write lock.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path, PurePosixPath

import soundfile

from kiosk.report import Attachment, FieldError
from kiosk.report_rules import AUDIO_TYPES, check_attachment_size, has_control_characters

MAX_SUBMIT_BYTES = 32 * 1024 * 1024
"""All recordings of one `kiosk submit` together: a report's three largest fit; a larger set
goes in several files (it is held in memory, and its transaction holds the store's lock)."""
MIN_AUDIO_SECONDS = 0.5
MAX_AUDIO_SECONDS = 30 * 60
"""A spoken complaint is seconds to minutes long; 10 MB of FLAC silence could be days."""

AUDIO_FORMATS = {
    "audio/ogg": ("OGG",),
    "audio/flac": ("FLAC",),
    "audio/wav": ("WAV", "WAVEX"),
    "audio/mpeg": ("MP3",),
}
"""The libsndfile formats a recording of each MIME type may hold."""

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_BLOCK_FRAMES = 65536


class SubmitTooBig(Exception):
    """The recordings of one submit add up to more than `MAX_SUBMIT_BYTES`."""


class AttachmentRefused(Exception):
    def __init__(self, error: FieldError) -> None:
        super().__init__(error.key)
        self.error = error


def _refused(key: str, name: str, **params: object) -> AttachmentRefused:
    return AttachmentRefused(FieldError("attachments", key, {"name": name, **params}))


class AttachmentFolder:
    """The folder recordings are read from; counts the bytes read against the submit's cap."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.total_bytes = 0

    def read(self, path_text: str) -> Attachment:
        """The recording at `path_text` (relative to the folder); raise AttachmentRefused,
        or SubmitTooBig before reading a file that would pass the cap."""
        if has_control_characters(path_text):  # also a lone surrogate: no file name can hold it
            raise AttachmentRefused(FieldError("attachments", "control_characters"))
        parts = PurePosixPath(path_text).parts
        name = parts[-1] if parts else path_text
        if not parts or PurePosixPath(path_text).is_absolute() or ".." in parts:
            raise _refused("attachment_outside", path_text)
        mime = AUDIO_TYPES.get(PurePosixPath(name).suffix.lower())
        if mime is None:
            raise _refused("attachment_type", name)
        descriptor = self._open(parts, path_text)
        try:
            data = self._read_bounded(descriptor, path_text)
        finally:
            os.close(descriptor)
        check_audio(data, mime, path_text)
        return Attachment(name, mime, data)

    def _open(self, parts: tuple[str, ...], path_text: str) -> int:
        """`parts` opened beneath the folder one step at a time, following no link."""
        try:
            directory = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            raise _refused("attachment_unreadable", path_text) from None
        try:
            for part in parts[:-1]:
                step = _open_beneath(directory, part, os.O_DIRECTORY, path_text)
                os.close(directory)
                directory = step
            return _open_beneath(directory, parts[-1], 0, path_text)
        finally:
            os.close(directory)

    def _read_bounded(self, descriptor: int, path_text: str) -> bytes:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise _refused("attachment_not_file", path_text)
        if problem := check_attachment_size(path_text, status.st_size):
            raise AttachmentRefused(problem)
        if self.total_bytes + status.st_size > MAX_SUBMIT_BYTES:
            raise SubmitTooBig(path_text)
        chunks, remaining = [], status.st_size + 1  # one byte more tells a growing file
        while remaining > 0 and (chunk := os.read(descriptor, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) != status.st_size:
            raise _refused("attachment_changed", path_text)
        self.total_bytes += len(data)
        return data


def _open_beneath(directory: int, name: str, flags: int, path_text: str) -> int:
    try:
        return os.open(name, _OPEN_FLAGS | flags, dir_fd=directory)
    except OSError as error:
        raise _refused(_why_not_opened(directory, name, error), path_text) from None


def _why_not_opened(directory: int, name: str, error: OSError) -> str:
    """The message key for a step that could not be opened (O_NOFOLLOW refuses a link with
    ELOOP, or ENOTDIR where a folder was asked for)."""
    if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
        try:
            link = stat.S_ISLNK(os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode)
        except OSError:
            link = False
        return "attachment_link" if link else "attachment_missing"
    return "attachment_unreadable"


def check_audio(data: bytes, mime: str, name: str) -> float:
    """The length in seconds of the recording in `data`; raise AttachmentRefused unless it
    decodes to the end as audio of the format `mime` names, of a plausible length."""
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as sound:
            if sound.format not in AUDIO_FORMATS[mime]:
                raise _refused("attachment_wrong_format", name, found=sound.format)
            if sound.frames > MAX_AUDIO_SECONDS * sound.samplerate:
                raise _refused("attachment_length", name, **_length_limits())
            frames = 0
            for block in sound.blocks(_BLOCK_FRAMES, dtype="int16"):  # decodes it all
                frames += len(block)
                if frames > MAX_AUDIO_SECONDS * sound.samplerate:
                    raise _refused("attachment_length", name, **_length_limits())
            seconds = frames / sound.samplerate
    except (soundfile.SoundFileError, RuntimeError, ValueError):
        raise _refused("attachment_not_audio", name) from None
    if seconds < MIN_AUDIO_SECONDS:
        raise _refused("attachment_length", name, **_length_limits())
    return seconds


def _length_limits() -> dict[str, object]:
    return {"minimum": MIN_AUDIO_SECONDS, "maximum": MAX_AUDIO_SECONDS // 60}
