/*
 * streams_info.h — XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS, HELP.
 */
#ifndef STREAMS_INFO_H
#define STREAMS_INFO_H

#include "modis.h"

extern const md_command_t sx_xinfo_subcommands[];

#endif /* STREAMS_INFO_H */
