"""Broker transports: kombu's filesystem transport made safe, and Redis surviving a lost connection.

The filesystem transport writes each message whole before a worker can see it.

The stock transport opens the message file under its final name and then writes
to it; a worker listing the folder in between moves the empty file away and
fails to decode it (seen as a JSONDecodeError about one run in six in the
worker tests, and as a lost task in a real embedded run). Here the message is
written under a name no queue matches and renamed into place, which is atomic
on one file system.
"""

from __future__ import annotations

import logging
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, redis
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # No "." before the queue name: the reader's filter (name.partition(".")[2]) never matches it.
        partial = os.path.join(self.data_folder_out, f"writing-{uuid.uuid4().hex}")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


# --- Redis --------------------------------------------------------------------------------------------


class RedisQoS(redis.QoS):
    def restore_unacked(self, client=None):
        """Give unacknowledged messages back, unless the connection is already gone.

        kombu 5.7 closes a worker's connection when Redis goes away and then closes the
        channel, whose restore reads the connection's client, now None: an
        AttributeError the consumer does not expect, so the worker stopped for good
        ("Unrecoverable error", seen in tests/faults) instead of reconnecting. Nothing
        is lost by skipping the restore here: the messages are still in Redis' unacked
        hash and come back after the visibility timeout (and the beat jobs re-send the
        work they stand for sooner).
        """
        transport = self.channel.connection
        if client is None and (transport is None or transport.client is None):
            logger.warning(
                "Broker connection gone: %s unacknowledged message(s) left to the visibility timeout",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return super().restore_unacked(client)


class RedisChannel(redis.Channel):
    QoS = RedisQoS


class RedisTransport(redis.Transport):
    Channel = RedisChannel
