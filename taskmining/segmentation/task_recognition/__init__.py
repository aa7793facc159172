"""``task_recognition``, the default algorithm, in its parts (see :mod:`.segmenter`).

=================  ==============================================================
module             idea
=================  ==============================================================
``classes``        event classes and business keys of steps
``stream``         the stream of work steps the boundaries are learnt on
``noise``          noise and interruption classes
``cost``           the description length of a segmentation (a pluggable cost)
``search``         the search for start classes that minimise the cost
``pauses``         boundaries learnt from pauses (positive-unlabelled transitions)
``interleave``     steps that go back to a suspended instance by business key
``task_types``     task types from the sets of classes of instances
``foreign``        steps foreign to their instance's type
``dataflow``       pastes that go to the instance of their copy
``fragments``      types that only continue another type
``untangle``       the three above, and keyless de-interleaving, in order
``segmenter``      :class:`TaskRecognitionSegmenter`, which runs them
=================  ==============================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from taskmining._lazy import attach

if TYPE_CHECKING:
    from taskmining.segmentation.task_recognition.segmenter import (
        HEADER_SLACK as HEADER_SLACK,
    )
    from taskmining.segmentation.task_recognition.segmenter import (
        TaskRecognitionSegmenter as TaskRecognitionSegmenter,
    )

__getattr__, __dir__, __all__ = attach(__name__, __file__)
