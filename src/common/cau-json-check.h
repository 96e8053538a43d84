/* cau-json-check.h: a strict RFC 8259 scanner run over JSON text before
 * json-glib sees it. json-glib 1.6 recurses once per nesting level (100,000
 * "[" crash it) and accepts text RFC 8259 refuses, so the bytes are checked
 * here first, without recursion.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Arrays and objects nested deeper than this are refused. */
#define CAU_JSON_MAX_DEPTH  64
/* The most any caller may hand to the parser; the server's own limits on
 * request bodies and WebSocket frames are tighter and checked earlier. */
#define CAU_JSON_MAX_BYTES  (64 * 1024 * 1024)

/* TRUE when @data (@length bytes, or NUL-terminated when @length is -1) is
 * one RFC 8259 JSON text of at most @max_bytes bytes and CAU_JSON_MAX_DEPTH
 * levels. Refused besides what the grammar refuses: invalid UTF-8, NUL
 * bytes, a byte-order mark, raw control characters in strings, escapes
 * other than \" \\ \/ \b \f \n \r \t \uXXXX, \u0000, unpaired surrogates,
 * single quotes, comments, NaN, Infinity, leading zeros, trailing commas
 * and anything after the value. On failure sets a CAU_ERROR_BAD_REQUEST
 * error whose message is a sentence naming the byte offset. */
gboolean cau_json_check (const char *data,
                         gssize      length,
                         gsize       max_bytes,
                         GError    **error);

G_END_DECLS
