/* cau-error.c: the shared error domain and its wire names.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-error.h"

#include <string.h>

G_DEFINE_QUARK (cau-error-quark, cau_error)

static const struct {
  CauErrorCode code;
  const char *name;
  guint status;
} codes[] = {
  { CAU_ERROR_BAD_REQUEST, "bad_request", 400 },
  { CAU_ERROR_UNAUTHORIZED, "unauthorized", 401 },
  { CAU_ERROR_FORBIDDEN, "forbidden", 403 },
  { CAU_ERROR_NOT_FOUND, "not_found", 404 },
  { CAU_ERROR_CONFLICT, "conflict", 409 },
  { CAU_ERROR_GONE, "gone", 410 },
  { CAU_ERROR_PAYLOAD_TOO_LARGE, "payload_too_large", 413 },
  { CAU_ERROR_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415 },
  { CAU_ERROR_RATE_LIMITED, "rate_limited", 429 },
  { CAU_ERROR_INTERNAL, "internal", 500 },
  { CAU_ERROR_UNPROCESSABLE, "unprocessable", 422 },
  { CAU_ERROR_UNAVAILABLE, "unavailable", 503 },
};

const char *
cau_error_code_to_string (CauErrorCode code)
{
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i].code == code)
      return codes[i].name;
  return "internal";
}

guint
cau_error_code_to_status (CauErrorCode code)
{
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i].code == code)
      return codes[i].status;
  return 500;
}

CauErrorCode
cau_error_code_from_string (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (codes); i++)
    if (strcmp (codes[i].name, code) == 0)
      return codes[i].code;
  return CAU_ERROR_INTERNAL;
}

CauErrorCode
cau_error_code_from_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i].status == status)
      return codes[i].code;
  return status >= 500 ? CAU_ERROR_INTERNAL : CAU_ERROR_BAD_REQUEST;
}
