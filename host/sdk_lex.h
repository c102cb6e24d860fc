/*
 * sdk_lex.h — the SDK's lexicographic range bounds (sdk_lex.c).
 */
#ifndef MODIS_SDK_LEX_H
#define MODIS_SDK_LEX_H

struct md_api;
void sdk_api_fill_lex(struct md_api *a);

#endif
