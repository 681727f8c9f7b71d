"""The SMTP server of the mail tests (tests/support/smtp_sink.cc runs it
with the system python3): aiosmtpd storing every message it accepts in a
Maildir, in plain SMTP, with STARTTLS required, or with TLS from the start
(SMTPS), optionally asking for a login.

usage: smtp_sink.py PORT MAILDIR plain|starttls|smtps CERT KEY USER PASSWORD [IP]
(CERT and KEY are ignored for plain; USER "" means no login is asked; IP,
where it listens, is 127.0.0.1 unless given.)
"""
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

port, maildir, mode, cert, key, user, password = sys.argv[1:8]
ip = sys.argv[8] if len(sys.argv) > 8 else "127.0.0.1"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    # handled=False: aiosmtpd itself answers a refusal with 535. (With its
    # default, handled=True, it answers nothing, and the client waits for
    # its timeout instead of hearing no.)
    return AuthResult(success=ok, handled=False)


options = {}
context = None
if mode in ("starttls", "smtps"):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
if mode == "starttls":
    options.update(tls_context=context, require_starttls=True)
if user:
    options.update(authenticator=authenticate, auth_required=True,
                   auth_require_tls=mode != "plain")
controller = Controller(Mailbox(maildir), hostname=ip, port=int(port),
                        ssl_context=context if mode == "smtps" else None,
                        server_hostname="127.0.0.1",
                        # aiosmtpd's default of 5 s to come up is short for
                        # a loaded machine; a minute still catches a hang.
                        ready_timeout=60, **options)
controller.start()
print("listening", flush=True)
threading.Event().wait()
