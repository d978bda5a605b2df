"""Settings of the benchmarks' server (bench/bench_public_board.py): the project's own, with
bench/bench_urls.py as the URLconf so that the reference view is served beside the real site.
Never used by the project itself."""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
