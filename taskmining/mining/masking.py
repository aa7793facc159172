"""Labels without personal data (moved to :mod:`taskmining.abstraction.masking`).

Segmentation names task types with them, so they live in the layer below it;
this module keeps the mining-side import path.
"""
from taskmining.abstraction.masking import (  # noqa: F401 - re-exported
    mask_varying as mask_varying,
    mask_codes as mask_codes,
    mask_text as mask_text,
    mask_labels as mask_labels,
    masked_label_codes as masked_label_codes,
    kept_words as kept_words,
    PLACEHOLDERS as PLACEHOLDERS,
    DEFAULT_MIN_SHARE as DEFAULT_MIN_SHARE,
    DEFAULT_MIN_INSTANCES as DEFAULT_MIN_INSTANCES,
)

__all__ = ["mask_varying", "mask_codes", "mask_text", "mask_labels", "masked_label_codes", "kept_words", "PLACEHOLDERS", "DEFAULT_MIN_SHARE", "DEFAULT_MIN_INSTANCES"]
