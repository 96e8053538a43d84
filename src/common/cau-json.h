/* cau-json.h: strict JSON helpers over json-glib: parse a request object,
 * read typed members with a readable error, write compact text.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "cau-json-check.h"

G_BEGIN_DECLS

/* Parses @data as a JSON object. The bytes go through cau_json_check()
 * (depth, size, UTF-8, RFC 8259) before json-glib sees them. Errors are
 * CAU_ERROR_BAD_REQUEST with a sentence a person can read. Returns a new
 * reference. */
JsonObject *cau_json_parse_object (const char *data,
                                   gsize       length,
                                   GError    **error);
/* Any JSON value (@length -1: NUL-terminated), checked like the above and
 * at most @max_bytes long; for JSON the server stored itself. Returns a
 * new, mutable node. */
JsonNode   *cau_json_parse_node   (const char *data,
                                   gssize      length,
                                   gsize       max_bytes,
                                   GError    **error);

/* Typed look-ups. Each returns FALSE and sets a bad_request error when the
 * member has the wrong type, or is absent while @required. An absent
 * optional member leaves *out untouched and returns TRUE; JSON null counts as
 * absent unless said otherwise. */
gboolean cau_json_get_string  (JsonObject  *obj,
                               const char  *member,
                               gboolean     required,
                               const char **out,
                               GError     **error);
gboolean cau_json_get_int     (JsonObject  *obj,
                               const char  *member,
                               gboolean     required,
                               gint64      *out,
                               GError     **error);
gboolean cau_json_get_bool    (JsonObject  *obj,
                               const char  *member,
                               gboolean     required,
                               gboolean    *out,
                               GError     **error);
gboolean cau_json_get_object  (JsonObject  *obj,
                               const char  *member,
                               gboolean     required,
                               JsonObject **out,
                               GError     **error);
/* An array of strings; *out is a new NULL-terminated vector or NULL. */
gboolean cau_json_get_strv    (JsonObject  *obj,
                               const char  *member,
                               gboolean     required,
                               char      ***out,
                               GError     **error);
/* TRUE when @member is present and JSON null. */
gboolean cau_json_is_null     (JsonObject  *obj,
                               const char  *member);

char     *cau_json_to_string  (JsonNode   *node);
char     *cau_json_object_to_string (JsonObject *obj);

/* Convenience for building objects. */
void      cau_json_set_string_or_null (JsonObject *obj,
                                       const char *member,
                                       const char *value);

G_END_DECLS
