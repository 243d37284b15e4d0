/* edit.h: one value being edited: UTF-8 bytes with the cursor always on a
 * character boundary, moving over a character and the combining marks
 * that follow it as one, and measured in terminal columns, so that CJK
 * and characters outside the BMP keep the cursor where the eye expects
 * it.  No curses. */
#ifndef SHEGONG_EDIT_H
#define SHEGONG_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct edit {
	char *buf;      /* NUL-terminated */
	size_t len, cap;
	size_t cur;     /* byte offset of the cursor */
};

int edit_init(struct edit *e, const char *text);
void edit_free(struct edit *e);
/* Replace the whole text; the cursor goes to its end. */
int edit_set(struct edit *e, const char *text);
/* Insert one code point at the cursor (control characters other than
 * newline are refused: returns -1). */
int edit_insert_cp(struct edit *e, uint32_t cp);
/* Insert UTF-8 text (pasted); invalid bytes and control characters are
 * dropped. */
int edit_insert(struct edit *e, const char *s, size_t n);
void edit_left(struct edit *e);
void edit_right(struct edit *e);
void edit_home(struct edit *e);
void edit_end(struct edit *e);
void edit_backspace(struct edit *e);
void edit_delete(struct edit *e);
void edit_kill_end(struct edit *e);
void edit_clear(struct edit *e);
/* Columns from the start of the text to the cursor. */
int edit_cursor_col(const struct edit *e);
/* Which part to show in a box of width columns so that the cursor is in
 * it: *first receives the byte offset to start from (on a boundary), and
 * the return value is the cursor's column inside the box. */
int edit_view(const struct edit *e, int width, size_t *first);

#endif
