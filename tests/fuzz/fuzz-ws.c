/* fuzz-ws.c: the server's WebSocket frame reading on any bytes, as
 * parse_frames() in cs-ws.c does it: cs_ws_parse_frame_header(), unmask,
 * assemble fragments, then UTF-8 and the JSON parser on each message.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fuzz.h"
#include "cs-ws.h"
#include "cau-json.h"

#include <string.h>

#define FRAME_MAX 4096   /* small, so the size rules are reached */

static void
deliver (const guint8 *data,
         gsize         length)
{
  g_autoptr(JsonObject) obj = NULL;

  if (!g_utf8_validate ((const char *) data, length, NULL))
    return;
  obj = cau_json_parse_object ((const char *) data, length, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree guint8 *buf = g_memdup2 (data, size);
  g_autoptr(GByteArray) message = g_byte_array_new ();
  gboolean in_message = FALSE;
  gsize at = 0;

  while (size - at >= 2)
    {
      CsWsFrameHeader h;
      guint16 code = 0;
      const char *reason = NULL;
      guint8 *mask, *payload;
      CsWsParse r = cs_ws_parse_frame_header (buf + at, size - at, FRAME_MAX, message->len, &h, &code, &reason);

      if (r == CS_WS_PARSE_MORE)
        break;
      if (r == CS_WS_PARSE_ERROR)
        {
          g_assert (code >= 1000 && reason != NULL);
          break;
        }
      g_assert (h.length <= FRAME_MAX && h.header + 4 + h.length <= size - at);
      mask = buf + at + h.header;
      payload = mask + 4;
      for (guint64 i = 0; i < h.length; i++)
        payload[i] ^= mask[i & 3];

      if (h.opcode == 0x1)
        {
          if (in_message)
            break;
          if (h.fin)
            deliver (payload, h.length);
          else
            {
              in_message = TRUE;
              g_byte_array_set_size (message, 0);
              g_byte_array_append (message, payload, h.length);
            }
        }
      else if (h.opcode == 0x0)
        {
          if (!in_message)
            break;
          g_byte_array_append (message, payload, h.length);
          g_assert (message->len <= FRAME_MAX);
          if (h.fin)
            {
              in_message = FALSE;
              deliver (message->data, message->len);
              g_byte_array_set_size (message, 0);
            }
        }
      else if (h.opcode == 0x8)
        break;
      else if (h.opcode != 0x9 && h.opcode != 0xA)
        break;
      else
        g_assert (h.length <= 125 && h.fin);
      at += h.header + 4 + h.length;
    }
  return 0;
}
