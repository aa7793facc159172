"""Integer codes of distinct values and combinations (moved to :mod:`taskmining.abstraction._combos`).

Segmentation names task types with them, so they live in the layer below it;
this module keeps the mining-side import path.
"""
from taskmining.abstraction._combos import (  # noqa: F401 - re-exported
    codes as codes,
    combined_codes as combined_codes,
    first_of_pairs as first_of_pairs,
)

__all__ = ["codes", "combined_codes", "first_of_pairs"]
