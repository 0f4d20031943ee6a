"""Benchmarks: how fast and how heavy the product is at commune, district and province size.

    python -m benchmarks [--sizes commune,district,province] [--json OUT.json] [--repeat N]

* :mod:`benchmarks.workspaces` makes (and caches) the synthetic workspaces;
* :mod:`benchmarks.measure` measures one of them in a process of its own;
* :mod:`benchmarks.baseline` measures the naive way (fiona, row-by-row
  joins, ``folium.GeoJson``) in another;
* :mod:`benchmarks.filter_change` is the dashboard's filter change (also a
  script of its own);
* :mod:`benchmarks.__main__` runs them all, adds ``python -m geo summary``
  end to end, prints the table and writes the JSON.
"""
