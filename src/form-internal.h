/* form-internal.h: what form.c shares with form-cache.c alone: the
 * arena a form keeps its strings in.  No curses. */
#ifndef SHEGONG_FORM_INTERNAL_H
#define SHEGONG_FORM_INTERNAL_H

#include <stddef.h>

/* The form's strings come from its arena: a few blocks, freed at once
 * by form_free (a string replaced while parsing stays in it till then).
 * A set read from the cache keeps its strings where they lie in the
 * file read, one block the first form's arena holds (used == size:
 * nothing more goes into it). */
struct form_arena {
	struct form_arena *next;
	size_t used, size;
	char mem[];
};

#endif
