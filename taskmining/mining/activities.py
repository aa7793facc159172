"""Activities: runs of steps on one screen (moved to :mod:`taskmining.abstraction.activities`).

Segmentation names task types with them, so they live in the layer below it;
this module keeps the mining-side import path.
"""
from taskmining.abstraction.activities import (  # noqa: F401 - re-exported
    build_activities as build_activities,
    screens as screens,
    screen_codes as screen_codes,
    app_name as app_name,
    ACTIVITY as ACTIVITY,
    ACTIVITY_ID as ACTIVITY_ID,
    VERBS as VERBS,
)

__all__ = ["build_activities", "screens", "screen_codes", "app_name", "ACTIVITY", "ACTIVITY_ID", "VERBS"]
