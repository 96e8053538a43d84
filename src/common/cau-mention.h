/* cau-mention.h: finds @mentions in a message body.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *type;          /* "user" or "agent" */
  char *id;
  char *display_name;  /* matched as "@display name", case-insensitively */
  char *handle;        /* matched as "@handle"; may be NULL */
} CauMentionCandidate;

typedef struct {
  const char *type;    /* "user", "agent" or "room"; points into static or candidate data */
  const char *id;      /* NULL for "room" */
  glong start;         /* character offsets into the body, end exclusive */
  glong end;
} CauMention;

/* Returns the user's handle: the local part of @email, lower-cased. */
char   *cau_mention_handle_for_email (const char *email);

/* Scans @body for "@room", "@Display Name" and "@handle" of @candidates
 * (an array of CauMentionCandidate*). The longest match wins; a mention must
 * start the text or follow a non-word character, and end before a
 * non-word character. Returns a GArray of CauMention; each candidate is
 * reported at every place it is mentioned. */
GArray *cau_mention_parse (const char *body,
                           GPtrArray  *candidates);

G_END_DECLS
