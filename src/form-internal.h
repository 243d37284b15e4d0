/* form-internal.h: what form.c shares with form-cache.c alone: the
 * arena a form keeps its strings in.  No curses. */
#ifndef SHEGONG_FORM_INTERNAL_H
#define SHEGONG_FORM_INTERNAL_H

#include <stddef.h>

#include "form.h"

/* A copy of the n bytes at s, NUL-terminated, in f's arena (freed with
 * f by form_free); NULL when out of memory. */
char *form_arena_strndup(struct form *f, const char *s, size_t n);

#endif
