/* cau-context.h: a business context (API.md, "Business context"): the
 * object of another application (a deal, an invoice, a ticket) that a room
 * is tied to or a message cites. Shared so the server and the app check
 * links and requests by the same rules.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CAU_CONTEXT_TYPE_MAX_CHARS  40
#define CAU_CONTEXT_ID_MAX_CHARS    200
#define CAU_CONTEXT_LABEL_MAX_CHARS 200
#define CAU_CONTEXT_URL_MAX_BYTES   2048

typedef struct {
  char *entity_type;   /* [a-z][a-z0-9_.-]{0,39} */
  char *entity_id;     /* 1..200 characters, trimmed */
  char *label;         /* 1..200 characters, one line, trimmed */
  char *url;           /* http(s), or NULL */
} CauContext;

void        cau_context_free       (CauContext *context);
CauContext *cau_context_copy       (const CauContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CauContext, cau_context_free)

/* Each returns FALSE with a bad_request error saying what is wrong. */
gboolean    cau_context_check_type (const char  *entity_type,
                                    GError     **error);
/* @out receives the trimmed id when not NULL. */
gboolean    cau_context_check_id   (const char  *entity_id,
                                    char       **out,
                                    GError     **error);
gboolean    cau_context_check_url  (const char  *url,
                                    GError     **error);

/* A checked context from its four parts (@url may be NULL or empty). */
CauContext *cau_context_new        (const char  *entity_type,
                                    const char  *entity_id,
                                    const char  *label,
                                    const char  *url,
                                    GError     **error);
/* From the wire's {entity_type, entity_id, label, url?}, checked. */
CauContext *cau_context_from_json  (JsonObject  *object,
                                    GError     **error);
JsonObject *cau_context_to_json    (const CauContext *context);
/* Compact JSON text of cau_context_to_json(). */
char       *cau_context_to_string  (const CauContext *context);
gboolean    cau_context_same_entity (const CauContext *a,
                                     const CauContext *b);

G_END_DECLS
