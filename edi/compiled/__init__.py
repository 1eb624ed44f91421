"""crossdock.edi.compiled: X12 validation compiled from the pyx12 map folder, with pyx12's verdicts.

:func:`compile_maps` reads a map folder (``maps.xml``, ``dataele.xml``, ``codes.xml`` and every
map they name) once into flat structures; :class:`CompiledValidator` checks X12 against them in
one streaming pass, finding what pyx12 4.0.0 finds with those maps (the same segments, positions
and AK3/AK4 codes) at many times its speed, in memory that does not grow with the file.
"""

from ._compile import compile_maps
from ._maps import CompiledMaps, MapCompileError, TransactionMap
from ._validator import CompiledValidator, default_maps

__all__ = ["compile_maps", "default_maps", "CompiledMaps", "TransactionMap", "MapCompileError", "CompiledValidator"]
