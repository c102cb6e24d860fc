/*
 * net.h — listening sockets (TCP on each `bind` address for `port` and
 * `tls-port`, and the unix socket) and accepting connections into clients.
 */
#ifndef MODIS_NET_H
#define MODIS_NET_H

/* Open every configured listener; returns 0, or -1 after logging why. */
int net_listen(void);
/* After CONFIG SET of a tls-* file or option: rebuild the TLS context
 * when TLS is in use; 0, or -1 (the cause logged, the old context kept). */
int net_tls_reconfigure(void);
/* After CONFIG SET tls-port: listen on the new port (0 = none); 0, or -1
 * with Redis's error text in *err. */
int net_tls_port_changed(const char **err);
/* Accept the connections waiting on the plain listeners now, without the
 * event loop (a busy script serves them; TLS ones wait for the loop). */
void net_accept_pending(void);
/* Close the listeners (shutdown), removing the unix socket file. */
void net_close(void);
/* In a forked child: close the listening fds only (the unix socket file
 * and the parent's events stay the parent's). */
void net_close_in_child(void);

#endif
