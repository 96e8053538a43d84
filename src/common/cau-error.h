/* cau-error.h: the error domain shared by server and client, mapped to the
 * wire codes of API.md.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CAU_ERROR (cau_error_quark ())

typedef enum {
  CAU_ERROR_BAD_REQUEST,
  CAU_ERROR_UNAUTHORIZED,
  CAU_ERROR_FORBIDDEN,
  CAU_ERROR_NOT_FOUND,
  CAU_ERROR_CONFLICT,
  CAU_ERROR_GONE,
  CAU_ERROR_PAYLOAD_TOO_LARGE,
  CAU_ERROR_UNSUPPORTED_MEDIA_TYPE,
  CAU_ERROR_RATE_LIMITED,
  CAU_ERROR_INTERNAL,
  CAU_ERROR_UNPROCESSABLE,         /* 422: well formed, refused for its content */
  CAU_ERROR_UNAVAILABLE,           /* 503: a service the server needs is down */
} CauErrorCode;

GQuark       cau_error_quark            (void);
const char  *cau_error_code_to_string   (CauErrorCode code);
guint        cau_error_code_to_status   (CauErrorCode code);
CauErrorCode cau_error_code_from_string (const char *code);
CauErrorCode cau_error_code_from_status (guint status);

G_END_DECLS
