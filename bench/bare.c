/* bench/bare.c: the reference for start-up and memory: a bare ncurses
 * program that draws the lines of a file (the home screen bench-all
 * captured from shegong) and waits for q or F10.  Usage: bench-bare FILE */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char lines[64][1024];
	int n = 0;
	FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
	if (!f)
		return 1;
	while (n < 64 && fgets(lines[n], sizeof lines[n], f)) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		n++;
	}
	fclose(f);
	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	for (int i = 0; i < n && i < LINES; i++)
		mvaddstr(i, 0, lines[i]);
	refresh();
	for (int c; (c = getch()) != 'q' && c != KEY_F(10) && c != ERR;)
		;
	endwin();
	return 0;
}
