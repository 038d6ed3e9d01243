"""A tiny SMTP server for the fault tests: accepts every message and keeps it in memory.

Enough of RFC 5321 for Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT), run on its own event loop in a thread. ``start()`` opens the port,
``stop()`` closes it (a mail server that is down), and ``start()`` again opens it
on the same port (the server is back).
"""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes
from email.message import Message


class SMTPSink:
    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        await reply("220 faults-sink ESMTP")
        recipients: list[str] = []
        try:
            while line := await reader.readline():
                command = line.decode(errors="replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    await reply("250-faults-sink")
                    await reply("250 8BITMIME")
                elif verb in {"HELO", "NOOP"}:
                    await reply("250 OK")
                elif verb == "MAIL":
                    recipients = []
                    await reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip(" <>"))
                    await reply("250 OK")
                elif verb == "RSET":
                    recipients = []
                    await reply("250 OK")
                elif verb == "DATA":
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    message = message_from_bytes(b"".join(lines))
                    message["X-Sink-Recipients"] = ", ".join(recipients)
                    self.messages.append(message)
                    await reply("250 OK: queued")
                elif verb == "QUIT":
                    await reply("221 Bye")
                    break
                else:
                    await reply("502 Command not implemented")
        finally:
            writer.close()

    def start(self) -> None:
        async def open_server() -> asyncio.AbstractServer:
            return await asyncio.start_server(self._session, "127.0.0.1", self.port, reuse_address=True)

        self._server = asyncio.run_coroutine_threadsafe(open_server(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None

            async def close() -> None:
                server.close()
                await server.wait_closed()

            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]
