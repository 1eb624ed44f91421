"""Which folder of a mailbox holds what.

Our own mailboxes use the default names.  A partner's SFTP server has its own (``/out`` for what we
pick up, ``/in`` for what we deliver): the layout names them, relative to the mailbox root.
"""

from __future__ import annotations

import posixpath

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = ["MailboxLayout"]


class MailboxLayout(BaseModel):
    """Folder names, relative to the mailbox root, POSIX style (``"out/edi"``; ``"."`` is the root).

    ``archive`` gets one sub-folder per UTC day (``archive/2026-03-01/``).  ``claimed`` and
    ``failed`` must be ours to write: on a partner's server that means folders they created for us.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    inbox: str = "inbox"
    """Where partners drop files for us."""
    claimed: str = "claimed"
    """Where a file sits, under a claim name, while one consumer processes it."""
    archive: str = "archive"
    """Where processed files go, by day."""
    failed: str = "failed"
    """Where files that cannot be processed go, each with a ``.reason.txt`` beside it."""
    outbox: str = "outbox"
    """Where we deliver files for partners to collect."""

    @field_validator("inbox", "claimed", "archive", "failed", "outbox")
    @classmethod
    def _relative_folder(cls, value: str) -> str:
        folder = posixpath.normpath(value.replace("\\", "/")) if value else ""
        if not folder or folder.startswith("/") or folder == ".." or folder.startswith("../") or "\x00" in folder:
            raise ValueError(f"a mailbox folder is a path relative to the mailbox root, not {value!r}")
        return folder

    @model_validator(mode="after")
    def _distinct_folders(self) -> MailboxLayout:
        seen: dict[str, str] = {}
        for role in ("inbox", "claimed", "archive", "failed", "outbox"):
            folder = getattr(self, role)
            if folder in seen:
                raise ValueError(f"mailbox folders {seen[folder]!r} and {role!r} are both {folder!r}")
            seen[folder] = role
        return self
