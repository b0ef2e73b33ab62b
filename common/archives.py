"""Zip archives looked at before anything unpacks them (Office files are zips): zip bombs.

Only the central directory is read. The sizes it declares are the sizes Python's zipfile (and so
openpyxl) will produce at most: a ZipExtFile stops at the declared size and fails its CRC check
if the data runs on, so a lying directory cannot make an entry unpack to more.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

MEGABYTE = 1024 * 1024
MAX_ENTRIES = 10_000
# Below this an entry is not judged by its ratio (a few kilobytes of XML compress very well).
RATIO_FLOOR_BYTES = 1 * MEGABYTE


@dataclass(frozen=True)
class ZipListing:
    names: list[str]
    uncompressed: int  # bytes, all entries together


class ArchiveTooLarge(Exception):
    """The archive would unpack to too much: ``reason`` is "total", "ratio" or "entries"."""

    def __init__(self, reason: str, uncompressed: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.uncompressed = uncompressed


def zip_entries(handle: IO[bytes]) -> list[zipfile.ZipInfo] | None:
    """The entries of a zip archive, read from its central directory only (nothing is unpacked),
    or None when ``handle`` is not a readable zip archive. Leaves ``handle`` at 0."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None  # not a zip, or a damaged one: the callers refuse it as such
    finally:
        handle.seek(0)


def inspect_zip(handle: IO[bytes], *, max_total: int, max_ratio: int, max_entries: int = MAX_ENTRIES) -> ZipListing | None:
    """The entries of a zip archive, or None if ``handle`` is not one; ArchiveTooLarge if it would
    unpack to more than ``max_total`` bytes, has an entry larger than ``max_ratio`` times its
    compressed size (and above 1 MB), or more than ``max_entries`` entries. Leaves ``handle`` at 0."""
    infos = zip_entries(handle)
    if infos is None:
        return None
    if len(infos) > max_entries:
        raise ArchiveTooLarge("entries")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max(info.compress_size, 1) * max_ratio:
            raise ArchiveTooLarge("ratio", info.file_size)
    if total > max_total:
        raise ArchiveTooLarge("total", total)
    return ZipListing(names=[info.filename for info in infos], uncompressed=total)
