/* fuzz.h: the libFuzzer entry point each harness defines. Built with
 * -Dfuzzing=true (clang) the harnesses are libFuzzer binaries; otherwise
 * fuzz-main.c replays files through the same function, so the committed
 * corpus runs in every ordinary `meson test`.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
