/* cau-file-types.h: the kinds of file an attachment may be, shared by the
 * server (which sniffs uploads against this list, cs-sniff.c) and the app
 * (which refuses other files when they are attached, not after sending).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *mime;
  const char *exts;      /* accepted extensions, space separated, lower case */
  const char *aliases;   /* other Content-Types a client may declare for it */
  const char *loader;    /* gdk-pixbuf module for thumbnails */
} CauFileType;

/* The entry for @mime (a sniffed type, not an alias), or NULL. */
const CauFileType *cau_file_type_find        (const char *mime);
/* TRUE when @word is one of the space-separated words of @list. */
gboolean           cau_file_type_word_in     (const char *word,
                                              const char *list);
/* The lower-case extension of @name, or NULL when it has none. */
char              *cau_file_type_extension   (const char *name);
/* Whether a file called @name of (guessed) type @mime may be attached:
 * its extension, when it has one, is on the list; without one, @mime (a
 * type or an alias, or any text/; NULL or application/octet-stream:
 * unknown) is.
 * The server still decides from the bytes. */
gboolean           cau_file_type_allowed     (const char *name,
                                              const char *mime);

G_END_DECLS
