/* cau-validate.h: the input rules of API.md (limits, names, bodies, emails),
 * shared so the client can check as you type what the server will enforce.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CAU_LIMIT_BODY_CHARS      10000
#define CAU_LIMIT_NAME_CHARS      100
#define CAU_LIMIT_TOPIC_CHARS     1000
#define CAU_LIMIT_STATUS_CHARS    200
#define CAU_LIMIT_JSON_BYTES      (256 * 1024)
#define CAU_LIMIT_ATTACHMENT_BYTES (25 * 1024 * 1024)
#define CAU_LIMIT_WS_FRAME_BYTES  (64 * 1024)
#define CAU_LIMIT_TXN_ID_CHARS    128
#define CAU_PAGE_DEFAULT          50
#define CAU_PAGE_MAX              100
#define CAU_PASSWORD_MIN_CHARS    8

/* Trims white space at both ends; returns a new string (invalid UTF-8 is
 * replaced first). */
char     *cau_trim (const char *text);

/* The invisible characters that reorder text (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069): a name holding them can show as
 * something else ("Trojan Source"). */
gboolean  cau_unichar_is_bidi_control (gunichar    c);
/* TRUE when @text holds one of them, or is not valid UTF-8. */
gboolean  cau_text_has_bidi_controls  (const char *text);

/* Each returns FALSE with a bad_request error naming @what on failure; the
 * text is checked to be UTF-8 before anything else. @out receives the trimmed value (newly allocated) when not NULL. */
gboolean  cau_validate_text     (const char *text,
                                 const char *what,
                                 guint       min_chars,
                                 guint       max_chars,
                                 char      **out,
                                 GError    **error);
/* A name shown to others (rooms, people, organisations): one line, 1..100
 * characters, no control or bidirectional control characters. */
gboolean  cau_validate_name     (const char *text,
                                 char      **out,
                                 GError    **error);
/* Other text shown as a label (room descriptions, status texts): like
 * cau_validate_text, and refuses control characters (newline and tab are
 * allowed when @multi_line) and bidirectional control characters. */
gboolean  cau_validate_label    (const char *text,
                                 const char *what,
                                 gboolean    multi_line,
                                 guint       min_chars,
                                 guint       max_chars,
                                 char      **out,
                                 GError    **error);
gboolean  cau_validate_body     (const char *text,
                                 gboolean    allow_empty,
                                 char      **out,
                                 GError    **error);
/* Lower-cases and checks the shape local@domain.tld. */
gboolean  cau_validate_email    (const char *text,
                                 char      **out,
                                 GError    **error);
gboolean  cau_validate_password (const char *text,
                                 GError    **error);
gboolean  cau_validate_txn_id   (const char *text,
                                 GError    **error);
/* When a message was written (ISO 8601, as every time on the wire), checked
 * against @now_ms: at most CAU_WRITTEN_AT_SKEW_MS ahead (then taken as now),
 * at most CAU_WRITTEN_AT_MAX_AGE_MS behind. *out is in unix ms. */
#define CAU_WRITTEN_AT_SKEW_MS    (5 * 60 * 1000)
#define CAU_WRITTEN_AT_MAX_AGE_MS ((gint64) 30 * 24 * 3600 * 1000)
gboolean  cau_validate_written_at (const char *text,
                                   gint64      now_ms,
                                   gint64     *out,
                                   GError    **error);

/* One of the NULL-terminated @allowed, or a bad_request error. */
gboolean  cau_validate_enum     (const char         *text,
                                 const char         *what,
                                 const char * const *allowed,
                                 GError            **error);

/* Parses a page size from a query parameter (NULL gives the default). */
gboolean  cau_validate_limit    (const char *text,
                                 guint      *out,
                                 GError    **error);
/* Parses a non-negative 64-bit decimal. */
gboolean  cau_parse_seq         (const char *text,
                                 const char *what,
                                 gint64     *out,
                                 GError    **error);

G_END_DECLS
