#!/usr/bin/env python3
"""Pipelined RESP loader, used by compare.sh when the server lacks ECHO.

redis-cli --pipe ends its stream with an ECHO of a random tag and waits for
it; a server without ECHO never returns the tag and --pipe hangs until its
timeout. This loader instead counts replies until it has as many as it sent
commands.

usage: pipe_load.py HOST PORT EXPECTED_REPLIES < commands.resp
Prints "errors: E, replies: R" like redis-cli --pipe; exit 0 only when
E == 0 and R == EXPECTED_REPLIES.
"""
import socket
import sys
import threading


def parse(b, p):
    """Parse one RESP2/RESP3 reply at b[p:]; return (end, type) or None."""
    e = b.find(b"\r\n", p)
    if e < 0:
        return None
    t = b[p:p + 1]
    line = b[p + 1:e]
    p = e + 2
    if t in (b"+", b"-", b":", b",", b"#", b"_", b"("):
        return p, t
    if t in (b"$", b"=", b"!"):
        n = int(line)
        if n < 0:
            return p, t
        if len(b) < p + n + 2:
            return None
        return p + n + 2, t
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = int(line)
        if t in (b"%", b"|"):
            n *= 2
        for _ in range(max(n, 0)):
            r = parse(b, p)
            if r is None:
                return None
            p = r[0]
        if t == b"|":       # attribute: the real reply follows
            return parse(b, p)
        return p, t
    raise ValueError("bad reply type byte %r" % t)


def main():
    host, port, expect = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = sys.stdin.buffer.read()
    s = socket.create_connection((host, port))
    werr = []

    def writer():
        try:
            s.sendall(data)
        except OSError as ex:
            werr.append(ex)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    buf = bytearray()
    pos = 0
    replies = errors = 0
    while replies < expect:
        r = parse(buf, pos)
        if r is None:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            if pos > (1 << 20):
                del buf[:pos]
                pos = 0
            buf += chunk
            continue
        end, typ = r
        if typ == b"-":
            if errors == 0:
                sys.stderr.write(bytes(buf[pos:end]).decode("utf-8", "replace"))
            errors += 1
        replies += 1
        pos = end
    s.close()
    if werr:
        sys.stderr.write("write failed: %s\n" % werr[0])
    print("errors: %d, replies: %d" % (errors, replies))
    return 0 if errors == 0 and replies == expect and not werr else 1


if __name__ == "__main__":
    sys.exit(main())
