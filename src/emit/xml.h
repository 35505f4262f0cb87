/*
 * xml.h - text inside XML (private): GraphML (export.c), the Open-PSA MEF
 * fault tree (export_mef.c) and check's JUnit XML (emit_check.c).
 */
#ifndef CRISK_XML_H
#define CRISK_XML_H

#include <stdio.h>

/* Text for XML element content or a quoted attribute value: `& < > " '` as
 * entities, tab/LF/CR as character references (so that attribute-value
 * normalisation and line-end handling give them back), and what XML 1.0
 * cannot carry at all (control characters, U+FFFE, U+FFFF, invalid UTF-8)
 * as U+FFFD. */
void crisk__xml_text(FILE *f, const char *str);

/* Text inside an XML comment, where entities mean nothing: a second hyphen
 * in a row becomes U+2010 ("--" may not appear in a comment), and tab, LF,
 * CR and what XML cannot carry become U+FFFD. */
void crisk__xml_comment_text(FILE *f, const char *str);

#endif
