/* mo.h: a GNU .mo catalogue read as it is, not through the locale (import
 * matches headers by their Chinese labels whatever language the worker
 * runs in). */
#ifndef SHEGONG_MO_H
#define SHEGONG_MO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mo {
	unsigned char *data;
	size_t len;
	uint32_t n, orig, trans;
	uint32_t hash_n, hash;  /* the catalogue's hash table: its size and offset (0: none) */
	bool big;
};

/* Read the catalogue at path (at most 64 MiB); a file that is missing or
 * is not a .mo leaves an empty catalogue, in which nothing is found. */
void mo_load(struct mo *m, const char *path);
/* The translation of msgid, or NULL (none, or an empty one).  msgid is
 * the whole original string: "context\004text" for a message with a
 * context; a plural message is not found by its singular alone.  Looked
 * up in the catalogue's own hash table (as gettext does), or by binary
 * search over its sorted originals when it has none. */
const char *mo_get(const struct mo *m, const char *msgid);
void mo_free(struct mo *m);

#endif
