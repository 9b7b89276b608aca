"""kombu's filesystem transport (the embedded default broker), with atomic message writes.

The stock transport creates `<time>_<uuid>.<queue>.msg` and then writes into it, while a polling worker
moves and reads any `*.<queue>.msg` it sees without taking the writer's lock. A worker that polls
between the two reads an empty file and dies with "Unrecoverable error: JSONDecodeError" (the message
is lost with it). Here a message is written under a name no reader matches and renamed into place:
a rename within one folder is atomic, so readers only ever see complete messages.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A fresh clone has no broker folders yet: `make worker` must not die on the first poll.
        for folder in (self.data_folder_in, self.data_folder_out, self.processed_folder, self.control_folder):
            os.makedirs(folder, exist_ok=True)

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX  # "<queue>.msg.part" is never taken for "<queue>.msg"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
