"""geomap's benchmarks: speed and size, measured (never part of the tests).

Run from the repository root::

    python -m benchmarks                 # both, full sizes (what `make bench` runs)
    python -m benchmarks --quick         # both, small sizes (a minute or two)
    python -m benchmarks render [...]    # geomap vs GeoDataFrame.explore(); --help
    python -m benchmarks analysis [...]  # linking and district aggregation; --help

Modules: :mod:`~benchmarks.synthetic` (the one synthetic-data generator, shared with
``data/make_sample.py``), :mod:`~benchmarks.render` with :mod:`~benchmarks.build_one`
(one build per subprocess) and :mod:`~benchmarks.browser` (Chromium timings),
:mod:`~benchmarks.analysis`, :mod:`~benchmarks.report` (tables, ratios, targets) and
:mod:`~benchmarks.machine` (commands, busy cores, versions).
"""
