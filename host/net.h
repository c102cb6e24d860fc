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

#endif
