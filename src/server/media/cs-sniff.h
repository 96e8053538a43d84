/* cs-sniff.h: what an uploaded file really is. The type comes from the
 * bytes (magic numbers, the ZIP and OLE2 directories, UTF-8 text), is
 * checked against an allow-list, and must agree with what the client
 * declared and with the file name's extension.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The sniffed type of the file at @path (a static string such as
 * "image/png"), or NULL with an unsupported_media_type error when the
 * bytes are not on the allow-list or contradict @declared_type (a
 * Content-Type, parameters allowed; NULL or application/octet-stream
 * declare nothing) or the extension of @name. Reads the whole file only
 * for text. Blocking: call it off the event loop. */
const char *cs_sniff_file          (const char  *path,
                                    const char  *declared_type,
                                    const char  *name,
                                    GError     **error);

/* The gdk-pixbuf loader for a sniffed image type, or NULL. */
const char *cs_sniff_image_loader  (const char  *mime_type);

/* A file name fit to keep as metadata: valid UTF-8, the last path
 * component only, no control or bidirectional-override characters, none
 * of <>:"/\|?*, no leading dots, at most 200 characters (the extension
 * kept), "file" when nothing is left. */
char       *cs_sniff_clean_name    (const char  *raw);

G_END_DECLS
