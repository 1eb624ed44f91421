"""crossdock.edi.transport: partner mailboxes (a local folder or SFTP) that never lose or repeat a file.

Trading partners exchange X12 files through mailboxes.  A :class:`Mailbox` claims each inbound file
by an atomic rename into ``claimed/`` (two consumers never get the same file), hands it over with a
content digest as its ``claim_id``, and moves it to ``archive/<date>/`` or ``failed/`` when told;
files a crash left claimed are taken back by :meth:`Mailbox.recover`.  Outbound files are written
under a hidden ``.part`` name, flushed, and renamed to their final name without ever overwriting.
Every partner-chosen name passes through :func:`sanitise_filename`, so none can leave its folder.

:func:`process_once` adds the last piece, "never twice": it records processed files in the state
store's idempotency ledger, so a file re-presented after a crash between processing and archiving
is archived without being processed again.  See ``README.md`` beside this file for the layout, the
guarantees and their limits.
"""

from ._layout import MailboxLayout
from ._local import LocalMailbox
from ._mailbox import DEFAULT_MAX_BYTES, Mailbox, MailboxFile
from ._names import DEFAULT_IGNORED_SUFFIXES, MAX_NAME_BYTES, sanitise_filename
from ._process import FileHandler, ProcessedFileLedger, ProcessReport, ledger_key, process_once
from ._sftp import DEFAULT_KNOWN_HOSTS, SftpMailbox

__all__ = [
    "Mailbox",
    "MailboxFile",
    "MailboxLayout",
    "LocalMailbox",
    "SftpMailbox",
    "sanitise_filename",
    "process_once",
    "ProcessReport",
    "FileHandler",
    "ProcessedFileLedger",
    "ledger_key",
    "DEFAULT_IGNORED_SUFFIXES",
    "DEFAULT_KNOWN_HOSTS",
    "DEFAULT_MAX_BYTES",
    "MAX_NAME_BYTES",
]
