"""Test certificates made at test time with the openssl command: a CA, a
server certificate for localhost/127.0.0.1, a client certificate from the
same CA, and a second CA with its own client certificate (one the server
must refuse). Nothing is kept in the repository."""

import os
import subprocess


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ca(d, name, cn):
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=%s" % cn, "-keyout", name + ".key", "-out", name + ".crt", cwd=d)


def _signed(d, name, ca, cn, ext=None, key_pass=None):
    key = ["-nodes"] if key_pass is None else ["-passout", "pass:" + key_pass]
    _openssl("req", "-newkey", "rsa:2048", *key, "-subj", "/CN=%s" % cn,
             "-keyout", name + ".key", "-out", name + ".csr", cwd=d)
    extra = []
    if ext:
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(ext)
        extra = ["-extfile", name + ".ext"]
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
             "-CAcreateserial", "-days", "2", "-out", name + ".crt", *extra, cwd=d)


def make_pki(d):
    """Write the files into directory d; returns {name: path} for ca, server,
    server2 (another certificate for the same names, CN "reloaded"),
    server_enc (its key encrypted with "keypass"), client, other_ca and
    other_client, each name giving "<name>.crt" and "<name>.key"."""
    san = "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
    _ca(d, "ca", "Modis Test CA")
    _ca(d, "other_ca", "Another CA")
    _signed(d, "server", "ca", "localhost", san)
    _signed(d, "server2", "ca", "reloaded", san)
    _signed(d, "server_enc", "ca", "localhost", san, key_pass="keypass")
    _signed(d, "client", "ca", "client")
    _signed(d, "other_client", "other_ca", "intruder")
    return {n: os.path.join(d, n) for n in ("ca", "server", "server2", "server_enc", "client",
                                            "other_ca", "other_client")}
