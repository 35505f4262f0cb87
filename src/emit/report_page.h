/*
 * report_page.h - the frame of chainrisk's HTML pages (private; see
 * report_page.c).
 */
#ifndef CRISK_REPORT_PAGE_H
#define CRISK_REPORT_PAGE_H

#include <stdio.h>

/* The style sheet and the sorting script every page carries inline. */
extern const char crisk__page_style[];
extern const char crisk__page_script[];

/* <!DOCTYPE html> up to <body>: charset, viewport, the
 * Content-Security-Policy (default-src 'none'; the style and the script by
 * hash), the generator, the title (trusted text: not escaped) and the
 * style sheet. */
void crisk__page_head(FILE *f, const char *title);

#endif
