/* cau-emoji.h: what counts as one emoji (a reaction), shared by the server
 * that enforces it and the client that offers them.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A reaction is at most this many bytes of UTF-8. */
#define CAU_EMOJI_MAX_BYTES  32
/* At most this many distinct reactions on one message. */
#define CAU_REACTIONS_MAX    20
/* A reaction lists at most this many of who reacted. */
#define CAU_REACTION_USERS_MAX 50

/* TRUE when @text (@len bytes, -1: NUL-terminated) is valid UTF-8 of at
 * most CAU_EMOJI_MAX_BYTES holding exactly one emoji grapheme cluster: a
 * pictograph with its variation selector, skin tone, keycap or tags, a
 * flag (two regional indicators), or pictographs joined by ZWJ. Otherwise
 * FALSE with a bad_request error that says so. */
gboolean cau_validate_emoji (const char  *text,
                             gssize       len,
                             GError     **error);

G_END_DECLS
