/* ui-rows.c: the list widget every list screen shares: which row is
 * chosen, which is the first shown, and the keys that move them (up,
 * down, a page, the start, the end), in one place. */
#include "config.h"

#include "ui.h"

int
ui_rows_key(struct ui_rows *r, size_t n, enum action a, size_t page)
{
	switch (a) {
	case ACT_UP:
		if (r->sel == 0)
			return UI_REDRAW | UI_ROWS_BEFORE;
		r->sel--;
		return UI_REDRAW;
	case ACT_DOWN:
		if (r->sel + 1 >= n)
			return UI_REDRAW | UI_ROWS_AFTER;
		r->sel++;
		return UI_REDRAW;
	case ACT_PGUP:
		r->sel = r->sel > page ? r->sel - page : 0;
		return UI_REDRAW;
	case ACT_PGDN:
		r->sel = r->sel + page < n ? r->sel + page : (n ? n - 1 : 0);
		return UI_REDRAW;
	case ACT_HOME:
		r->sel = r->top = 0;
		return UI_REDRAW;
	case ACT_END:
		r->sel = n ? n - 1 : 0;
		return UI_REDRAW;
	default:
		return 0;
	}
}

void
ui_rows_fit(struct ui_rows *r, size_t n, int rows)
{
	if (r->sel >= n)
		r->sel = n ? n - 1 : 0;
	if (rows < 1)
		rows = 1;
	if (r->sel < r->top)
		r->top = r->sel;
	if (r->sel >= r->top + (size_t)rows)
		r->top = r->sel - (size_t)rows + 1;
}
