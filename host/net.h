/*
 * net.h — listening sockets (TCP on each `bind` address, and the unix
 * socket) and accepting connections into clients.
 */
#ifndef MODIS_NET_H
#define MODIS_NET_H

/* Open every configured listener; returns 0, or -1 after logging why. */
int net_listen(void);
/* Close the listeners (shutdown), removing the unix socket file. */
void net_close(void);
/* In a forked child: close the listening fds only (the unix socket file
 * and the parent's events stay the parent's). */
void net_close_in_child(void);

#endif
