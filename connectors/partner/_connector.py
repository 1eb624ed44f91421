"""``PartnerConnector``: a dropship partner over X12 through a mailbox (a folder or SFTP)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from crossdock.core.contract import CheckResult, Connector, ConnectorContext
from crossdock.core.errors import ConnectorError, FatalError
from crossdock.core.redaction import redact
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.transport import LocalMailbox, Mailbox, SftpMailbox

from ._ack_tracking import AckTracker
from ._config import LocalMailboxSettings, PartnerConnectorConfig, SimulatorMailboxSettings
from ._inbox import PartnerInbox
from ._order_links import OrderLinks
from ._outbound import OutboundFiles
from ._profile import resolve_profile
from ._sink import PurchaseOrdersSink
from ._spool import Spool
from ._streams import AcknowledgementsStream, ShipmentsStream, StockStream

__all__ = ["PartnerConnector", "SANDBOX_PARTNER", "SANDBOX_ROOT_ENV"]

SANDBOX_PARTNER = "acme-dropship"
"""The packaged profile the sandbox simulates (``config/partners/acme-dropship.yaml``)."""
SANDBOX_ROOT_ENV = "CROSSDOCK_PARTNER_SANDBOX_ROOT"
"""Names the mailbox folder :meth:`PartnerConnector.sandbox_config` points at, when set."""

_INBOUND_STREAMS = ("shipments", "acknowledgements", "stock")


class PartnerConnector(Connector[PartnerConnectorConfig]):
    """Sends the partner 850 dropship POs for the order lines routed to it; reads its 855s, 856s and 846s.

    See ``README.md`` beside this file for the mailbox conventions, the exactly-once guarantees and
    how a job wires the partner simulator (``crossdock sandbox serve partner``).
    """

    name = "partner"
    title = "Dropship partner over X12 EDI (850 out; 855, 856, 846 in; 997 both ways)"
    config_model = PartnerConnectorConfig
    streams = (ShipmentsStream, AcknowledgementsStream, StockStream)
    sinks = (PurchaseOrdersSink,)
    sandbox = "crossdock.connectors.partner.sandbox:create_app"
    local_mailbox_class: ClassVar[type[LocalMailbox]] = LocalMailbox
    sftp_mailbox_class: ClassVar[type[SftpMailbox]] = SftpMailbox
    """The mailbox classes built from the config (a subclass may put behaviour in front of them)."""

    def __init__(self, config: PartnerConnectorConfig, context: ConnectorContext) -> None:
        super().__init__(config, context)
        self.profile: PartnerProfile = resolve_profile(config.partner, context.base_dir, location_id=config.location_id)
        work_dir = config.work_dir or Path(".crossdock") / "partner" / self.profile.id
        self.work_dir = work_dir if work_dir.is_absolute() else context.base_dir / work_dir
        self.spool = Spool(self.work_dir / "spool")
        self.simulator_root = _simulator_root() if isinstance(config.mailbox, SimulatorMailboxSettings) else None
        self.inbox = PartnerInbox(self)
        self._mailbox: Mailbox | None = None
        self._mailbox_lock = asyncio.Lock()

    # -- what the parts share -------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """The job's state store: control numbers, ledger, links and cursors all live there."""
        if self.context.state is None:
            raise FatalError("the partner connector needs the job's state store (control numbers, ledger, links)")
        return self.context.state

    @cached_property
    def outbound(self) -> OutboundFiles:
        return OutboundFiles(
            self.work_dir / "outgoing", self.store, job=self.context.job, flow="edi-outbound", sink=f"partner:{self.profile.id}"
        )

    @cached_property
    def acks(self) -> AckTracker:
        return AckTracker(self.store, self.profile)

    @cached_property
    def links(self) -> OrderLinks:
        return OrderLinks(self.store, self.profile.id)

    @property
    def inbound_streams(self) -> tuple[str, ...]:
        """The inbound streams this connection serves (its ``flows``): only their documents are spooled."""
        return tuple(name for name in _INBOUND_STREAMS if name in self.config.flows)

    @property
    def problem_stream(self) -> str:
        """Where problems that belong to no stream (an unreadable file, a 997 that cannot be read) are parked."""
        enabled = self.inbound_streams
        return enabled[0] if enabled else _INBOUND_STREAMS[0]

    @property
    def mailbox_name(self) -> str:
        return self.config.mailbox.name or f"partner:{self.profile.id}"

    # -- the mailbox ----------------------------------------------------------------------------
    def build_mailbox(self) -> Mailbox:
        """A new, unopened mailbox from the configuration."""
        settings = self.config.mailbox
        common: dict[str, Any] = {
            "layout": settings.layout,
            "name": self.mailbox_name,
            "min_age": settings.min_age,
            "claim_timeout": settings.claim_timeout,
        }
        if isinstance(settings, SimulatorMailboxSettings):
            assert self.simulator_root is not None
            return self.local_mailbox_class(self.simulator_root, **common)
        if isinstance(settings, LocalMailboxSettings):
            root = settings.root.expanduser()
            return self.local_mailbox_class(root if root.is_absolute() else self.context.base_dir / root, **common)
        keys = [key.expanduser() if key.expanduser().is_absolute() else self.context.base_dir / key for key in settings.client_keys]
        known_hosts = settings.known_hosts
        if known_hosts is not None:
            known_hosts = known_hosts.expanduser()
            known_hosts = known_hosts if known_hosts.is_absolute() else self.context.base_dir / known_hosts
        return self.sftp_mailbox_class(
            settings.host,
            settings.port,
            settings.username,
            settings.password,
            client_keys=keys or None,
            passphrase=settings.passphrase,
            known_hosts=known_hosts,
            root=settings.root,
            connect_timeout=settings.connect_timeout,
            operation_timeout=settings.operation_timeout,
            reconnect_attempts=settings.reconnect_attempts,
            reconnect_delay=settings.reconnect_delay,
            **common,
        )

    async def open_mailbox(self) -> Mailbox:
        """The connection's mailbox, opened (connected) on first use and kept open until :meth:`close`."""
        async with self._mailbox_lock:
            if self._mailbox is None:
                mailbox = self.build_mailbox()
                await mailbox.open()
                self._mailbox = mailbox
            return self._mailbox

    async def close(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            await mailbox.close()

    # -- contract -------------------------------------------------------------------------------
    async def check(self) -> CheckResult:
        """The profile loaded (it did, or the connector would not exist), the mailbox opens, the work folder is writable."""
        details: dict[str, Any] = {"partner": self.profile.id, "mailbox": self.mailbox_name, "flows": list(self.config.flows)}
        try:
            await self.open_mailbox()
        except ConnectorError as exc:
            return CheckResult(False, redact(f"mailbox {self.mailbox_name} cannot be opened: {exc.message}"), details)
        except (OSError, ValueError) as exc:
            return CheckResult(False, redact(f"mailbox {self.mailbox_name} cannot be opened: {exc}"), details)
        try:
            self.work_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.work_dir, prefix=".check-"):
                pass
        except OSError as exc:
            return CheckResult(False, f"work folder {self.work_dir} is not writable: {exc.strerror or exc}", details)
        if "purchase_orders" in self.config.flows and not self.profile.receives("850"):
            return CheckResult(False, f"partner profile {self.profile.id} does not list 850 under documents.outbound", details)
        return CheckResult(True, f"partner {self.profile.name} ({self.profile.id}): mailbox {self.mailbox_name} reachable", details)

    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """A local mailbox shared with the partner simulator; ``base_url`` is not used.

        The folder is, in order: ``$CROSSDOCK_PARTNER_SANDBOX_ROOT``; the root of the simulator this
        process created last (the runtime and the conformance kit create the sandbox app just before
        asking for this config, so the two meet); or a new temporary folder that a simulator can be
        pointed at with ``PartnerSimulator(root)``.
        """
        from .sandbox import temporary_mailbox_root

        root = _simulator_root(required=False) or temporary_mailbox_root()
        return {"partner": SANDBOX_PARTNER, "mailbox": {"type": "local", "root": str(root), "name": "partner:sandbox"}}


def _simulator_root(*, required: bool = True) -> Path | None:
    """The partner simulator's mailbox folder: ``$CROSSDOCK_PARTNER_SANDBOX_ROOT``, else the latest simulator's."""
    from .sandbox import latest_simulator_root

    configured = os.environ.get(SANDBOX_ROOT_ENV)
    root = Path(configured) if configured else latest_simulator_root()
    if root is None and required:
        raise FatalError(
            "mailbox type 'simulator': no partner simulator was created in this process "
            f"(mark the connection 'sandbox: true', or set {SANDBOX_ROOT_ENV})"
        )
    return root
