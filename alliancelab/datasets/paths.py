"""Where alliancelab looks for the real data files.

A *data directory* is any folder laid out like the project's shared data folder: the
file names listed in :mod:`alliancelab.datasets.registry` sit directly inside it. The
per-user fetch cache uses the same layout, so a folder of manually downloaded files,
the shared folder and the cache are interchangeable.

Resolution order for :func:`resolve_data_dir`:

1. the explicit argument;
2. the environment variable ``ALLIANCELAB_DATA_DIR``;
3. the per-user cache (``platformdirs.user_cache_dir("alliancelab")/data``).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "ALLIANCELAB_DATA_DIR"
"""Environment variable naming a data directory."""

CACHE_DIR_ENV = "ALLIANCELAB_CACHE_DIR"
"""Environment variable naming the cache folder (overrides the per-user default)."""

REQUIRE_DATA_ENV = "ALLIANCELAB_REQUIRE_DATA"
"""When set to a true value, tests fail instead of skipping if the data directory is absent."""


def cache_dir() -> Path:
    """Return the per-user cache folder that ``alliancelab data fetch`` fills.

    Returns
    -------
    pathlib.Path
        ``<user cache>/alliancelab/data``; not created by this call.
    """
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("alliancelab")) / "data"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory to read from.

    Parameters
    ----------
    data_dir
        An explicit folder; wins over the environment and the cache.

    Returns
    -------
    pathlib.Path
        The folder (it may not exist; loaders report missing files by name).
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return cache_dir()
