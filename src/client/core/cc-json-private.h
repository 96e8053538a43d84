/* cc-json-private.h: lenient readers for the wire JSON the client gets
 * (a missing or null member reads as NULL / 0), and a string setter that
 * notifies only on change.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *_cc_json_str    (JsonObject *obj, const char *member);
gint64      _cc_json_int    (JsonObject *obj, const char *member);
gboolean    _cc_json_bool   (JsonObject *obj, const char *member);
JsonObject *_cc_json_obj    (JsonObject *obj, const char *member);
JsonArray  *_cc_json_array  (JsonObject *obj, const char *member);
/* RFC 3339 member as ms since the epoch, 0 when absent or invalid. */
gint64      _cc_json_time   (JsonObject *obj, const char *member);
gboolean    _cc_json_has    (JsonObject *obj, const char *member);
/* Whether @incoming, a whole message (with "body"), is an older copy of
 * one kept as edited at @edited_at, deleted or not, streaming or not: a
 * page the server read before an edit, a deletion or the end of an
 * agent's answer that reached us live meanwhile. An edit only moves
 * edited_at forward, nothing is undeleted, an answer stops streaming
 * once. */
gboolean    _cc_json_message_is_older (JsonObject *incoming,
                                       gint64      edited_at,
                                       gboolean    deleted,
                                       gboolean    streaming);

/* Replaces *@field with a copy of @value; TRUE when it changed. */
gboolean    _cc_set_str     (char **field, const char *value);

G_END_DECLS

G_BEGIN_DECLS
/* Copies the members of @update into @target (a shallow merge). */
void        _cc_json_merge  (JsonObject *target, JsonObject *update);
/* A message body as a preview or quote shows it: one line, at most 120
 * characters and an ellipsis (the server's own excerpts read the same). */
char       *_cc_make_excerpt  (const char *body);

G_END_DECLS
