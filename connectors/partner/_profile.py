"""Finding the partner's profile from a job's ``partner:`` value, and fitting it to the connection."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from crossdock.core.errors import FatalError
from crossdock.edi.partners import PartnerConfigError, PartnerProfile, load_partner

__all__ = ["resolve_profile", "profile_candidates", "PACKAGED_PROFILES"]

PACKAGED_PROFILES = "crossdock.config"
"""The package whose ``partners/`` folder holds Crossdock's example profiles (``acme-dropship``)."""


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value


def profile_candidates(value: str, base_dir: Path) -> list[Path]:
    """Where a ``partner:`` value may be, in the order tried (the packaged copy comes last)."""
    if _looks_like_path(value):
        path = Path(value).expanduser()
        return [path if path.is_absolute() else base_dir / path]
    candidates = [base_dir / folder / f"{value}{suffix}" for folder in ("partners", "config/partners") for suffix in (".yaml", ".yml")]
    with as_file(files(PACKAGED_PROFILES) / "partners" / f"{value}.yaml") as packaged:
        candidates.append(Path(packaged))
    return candidates


def resolve_profile(value: str, base_dir: Path, *, location_id: str | None = None) -> PartnerProfile:
    """The profile ``value`` names, with ``location_id`` (when given) as its stock location.

    Raises :class:`FatalError` naming every place looked in, or every problem of the file: a job
    cannot run against a partner it cannot describe.
    """
    candidates = profile_candidates(value, base_dir)
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        tried = ", ".join(str(path) for path in candidates)
        raise FatalError(f"partner profile '{value}' not found (looked in: {tried})")
    try:
        profile = load_partner(found)
    except PartnerConfigError as exc:
        raise FatalError(f"partner profile {found} is not valid:\n{exc}") from None
    except OSError as exc:
        raise FatalError(f"partner profile {found} cannot be read: {exc.strerror or exc}") from None
    if profile.role != "supplier":
        raise FatalError(
            f"partner '{profile.id}' has role '{profile.role}': the partner connector sends dropship POs to a supplier"
        )
    if location_id is not None and location_id != profile.stock_location_id:
        profile = profile.model_copy(update={"stock_location_id": location_id})
    return profile
