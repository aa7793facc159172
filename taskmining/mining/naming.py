"""Task-type names a manager reads (moved to :mod:`taskmining.abstraction.naming`).

Segmentation names task types with them, so they live in the layer below it;
this module keeps the mining-side import path.
"""
from taskmining.abstraction.naming import (  # noqa: F401 - re-exported
    task_names as task_names,
    name_tasks as name_tasks,
    rename_task_types as rename_task_types,
    PURPOSE as PURPOSE,
    business_object as business_object,
)

__all__ = ["task_names", "name_tasks", "rename_task_types", "business_object", "PURPOSE"]
