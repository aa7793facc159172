"""Abstraction: from steps to the units a person names (activities, task-type names, masked labels).

Pure functions over a steps or tasks frame that need no mining, so that both
segmentation (which names the task types it finds) and mining (``level=``)
use one implementation:

- :mod:`~taskmining.abstraction.activities`: runs of steps on one screen
  (``Fill 'Supplier Invoice' in Chrome``);
- :mod:`~taskmining.abstraction.naming`: task-type names from the business
  object, purpose and applications (``Supplier invoice entry (Outlook → Chrome)``);
- :mod:`~taskmining.abstraction.masking`: labels without the record's values.

``taskmining.mining.activities``, ``taskmining.mining.naming`` and
``taskmining.mining.masking`` re-export them.
"""
