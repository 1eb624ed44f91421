"""Source of the retail X12 map folder that pyx12 validates with (``crossdock/edi/maps``).

The XML next to this package is generated: edit the specification here and run
``python -m crossdock.edi.maps.spec`` to rewrite it.  A test fails when the two disagree.
"""
