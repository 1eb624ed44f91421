"""The partner connector's configuration: which partner, which mailbox, which flows, where to keep work.

A job names the partner by profile id (``acme-dropship``) or by a profile file, and the mailbox the
files travel through: a local folder, or an SFTP server. Relative paths resolve against the job
file's folder (``context.base_dir``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, model_validator

from crossdock.config.jobs import Duration
from crossdock.core.contract import ConnectorConfig
from crossdock.edi.transport import MailboxLayout

__all__ = [
    "FLOWS",
    "FlowName",
    "LocalMailboxSettings",
    "SftpMailboxSettings",
    "SimulatorMailboxSettings",
    "MailboxSettings",
    "PartnerConnectorConfig",
]

FlowName = Literal["purchase_orders", "shipments", "acknowledgements", "stock"]
FLOWS: tuple[FlowName, ...] = ("purchase_orders", "shipments", "acknowledgements", "stock")
"""Every flow the connector offers: the sink ``purchase_orders`` and the three inbound streams."""


class _MailboxCommon(ConnectorConfig):
    name: str | None = Field(
        None,
        description="Names the mailbox in logs and in the idempotency keys of processed files; "
        "default 'partner:<partner id>'. Keep it stable: changing it makes old files look new.",
    )
    layout: MailboxLayout = Field(default_factory=MailboxLayout, description="Folder names under the root.")
    min_age: float = Field(0.0, ge=0, description="Seconds a file must be old before it is claimed.")
    claim_timeout: float = Field(0.0, ge=0, description="Seconds before another consumer's claim is taken over.")


class LocalMailboxSettings(_MailboxCommon):
    """A mailbox in a folder (a shared disk, or the folder our own SFTP server serves)."""

    type: Literal["local"]
    root: Path


class SftpMailboxSettings(_MailboxCommon):
    """A mailbox on an SFTP server; the host key must be in ``known_hosts`` (``null`` disables the check)."""

    type: Literal["sftp"]
    host: str = Field(min_length=1)
    port: int = Field(22, ge=1, le=65535)
    username: str = Field(min_length=1)
    password: SecretStr | None = None
    client_keys: list[Path] = Field(default_factory=list)
    passphrase: SecretStr | None = None
    known_hosts: Path | None = Path("~/.ssh/known_hosts")
    root: str = "/"
    connect_timeout: float = Field(15.0, gt=0)
    operation_timeout: float = Field(120.0, gt=0)
    reconnect_attempts: int = Field(3, ge=0)
    reconnect_delay: float = Field(1.0, ge=0)

    @model_validator(mode="after")
    def _some_login(self) -> SftpMailboxSettings:
        if self.password is None and not self.client_keys:
            raise ValueError("an SFTP mailbox needs a password or client_keys")
        return self


class SimulatorMailboxSettings(_MailboxCommon):
    """The mailbox folder of the partner simulator running in this process (sandbox runs and the demo).

    Resolved when the connection opens: ``$CROSSDOCK_PARTNER_SANDBOX_ROOT`` if set, else the folder of
    the simulator created last, which for a ``sandbox: true`` connection is its own (the runtime creates
    the sandbox just before the connector). Lets a sandboxed job still give ``location_id`` and other
    settings without knowing a temporary folder's name.
    """

    type: Literal["simulator"]


MailboxSettings = Annotated[
    LocalMailboxSettings | SftpMailboxSettings | SimulatorMailboxSettings, Field(discriminator="type")
]


class PartnerConnectorConfig(ConnectorConfig):
    """A dropship partner reached over X12 through a mailbox.

    ``partner`` is a profile id, looked up as ``<id>.yaml`` in ``partners/`` and ``config/partners/``
    beside the job, then among Crossdock's packaged examples; or a path to a profile file.
    ``location_id`` is the Crossdock location of the partner's stock: order lines routed there become
    its purchase orders, and 846 quantities without a location of their own land there (default: the
    profile's ``stock_location_id``). ``work_dir`` holds the spool of translated inbound documents
    and outbound files staged for delivery (default ``.crossdock/partner/<partner id>`` beside the job);
    spooled documents are kept ``spool_retention`` (14 days), whatever has read them, because several
    flows may read one stream, each at its own pace.
    """

    partner: str = Field(min_length=1)
    mailbox: MailboxSettings
    location_id: str | None = Field(None, min_length=1)
    flows: tuple[FlowName, ...] = FLOWS
    work_dir: Path | None = None
    files_per_run: int | None = Field(
        None, ge=1, description="Most inbound files one pass claims (None: every file in the inbox)."
    )
    spool_retention: Duration = Field(
        timedelta(days=14),
        description="How long translated documents stay in the spool: every flow reading a stream (a job may have "
        "several, each with its own cursor) must run within this time to see them.",
    )

    @model_validator(mode="after")
    def _known_flows_once(self) -> PartnerConnectorConfig:
        if len(set(self.flows)) != len(self.flows):
            raise ValueError("a flow is listed twice in 'flows'")
        return self
