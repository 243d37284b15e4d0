/* keys.c: the key table, and looking a key up in it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"

static const struct key_binding table[] = {
	{ACT_HELP, KS_ALL, 1, 'G', 0, L'?', N_("Help"), N_("Show this help")},
	{ACT_QUIT, KS_HOME, 10, 'Q', 0, L'q', N_("Quit"), N_("Leave the program")},
	{ACT_BACK, KS_HELP, 10, 'Q', 0, L'q', N_("Back"), N_("Close the help")},
	{ACT_BACK, KS_HELP, 0, 0, 0, 27, NULL, N_("Close the help")},
	{ACT_UP, KS_ALL, 0, 'P', KEY_UP, L'k', NULL, N_("Move up")},
	{ACT_DOWN, KS_ALL, 0, 'N', KEY_DOWN, L'j', NULL, N_("Move down")},
	{ACT_PGUP, KS_ALL, 0, 0, KEY_PPAGE, 0, NULL, N_("Page up")},
	{ACT_PGDN, KS_ALL, 0, 0, KEY_NPAGE, 0, NULL, N_("Page down")},
	{ACT_HOME, KS_ALL, 0, 0, KEY_HOME, 0, NULL, N_("First entry")},
	{ACT_END, KS_ALL, 0, 0, KEY_END, 0, NULL, N_("Last entry")},
	{ACT_OPEN, KS_HOME, 0, 0, KEY_ENTER, L'\r', NULL, N_("Open the chosen entry")},
	{ACT_OPEN, KS_HOME, 0, 0, 0, L'\n', NULL, NULL},
	{ACT_REDRAW, KS_ALL, 0, 'L', 0, 0, NULL, N_("Redraw the screen")},
	{ACT_NONE, 0, 0, 0, 0, 0, NULL, NULL},
};

const struct key_binding *
keys_table(void)
{
	return table;
}

enum action
keys_lookup(unsigned scope, bool is_key, wint_t key, bool escaped)
{
	int fkey = 0;
	if (is_key && key >= (wint_t)KEY_F(1) && key <= (wint_t)KEY_F(12))
		fkey = (int)(key - KEY_F0);
	else if (escaped && !is_key && key >= L'0' && key <= L'9')
		fkey = key == L'0' ? 10 : (int)(key - L'0');
	for (const struct key_binding *b = table; b->action != ACT_NONE; b++) {
		if (!(b->scope & scope))
			continue;
		if (fkey) {
			if (b->fkey == fkey)
				return b->action;
			continue;
		}
		if (is_key && b->curses_key && (wint_t)b->curses_key == key)
			return b->action;
		if (!is_key && b->ctrl && key == (wint_t)(b->ctrl & 0x1f))
			return b->action;
		if (!is_key && b->ch && key == (wint_t)b->ch)
			return b->action;
	}
	return ACT_NONE;
}

static const char *
curses_key_name(int k)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{KEY_UP, N_("Up")},       {KEY_DOWN, N_("Down")},
		{KEY_PPAGE, N_("PgUp")},  {KEY_NPAGE, N_("PgDn")},
		{KEY_HOME, N_("Home")},   {KEY_END, N_("End")},
		{KEY_ENTER, N_("Enter")},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == k)
			return _(names[i].name);
	return "?";
}

void
keys_describe(const struct key_binding *b, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
#define ADD(...)                                                     \
	do {                                                         \
		if (n < size)                                        \
			n += (size_t)snprintf(buf + n, size - n, "%s", n ? ", " : ""); \
		if (n < size)                                        \
			n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); \
	} while (0)
	if (b->fkey)
		ADD("F%d", b->fkey);
	if (b->curses_key)
		ADD("%s", curses_key_name(b->curses_key));
	if (b->ctrl)
		ADD("Ctrl-%c", b->ctrl);
	if (b->fkey && b->fkey <= 10)
		ADD("Esc %d", b->fkey % 10);
	if (b->ch == 27)
		ADD("Esc");
	else if (b->ch == L'\r' && !b->curses_key)
		ADD("%s", _("Enter"));
	else if (b->ch > 32)
		ADD("%c", (char)b->ch);
#undef ADD
}
