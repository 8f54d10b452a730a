/* graphbit-version-macros.h - symbol visibility and availability macros
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(GRAPHBIT_INSIDE) && !defined(GRAPHBIT_COMPILATION)
# error "Only <graphbit.h> can be included directly."
#endif

#include <glib.h>

#include "graphbit-version.h"

/* The library is built with hidden visibility; only symbols marked with one of
 * these macros are exported. */
#ifndef _GRAPHBIT_EXTERN
# if defined(_WIN32)
#  define _GRAPHBIT_EXTERN __declspec(dllexport) extern
# else
#  define _GRAPHBIT_EXTERN __attribute__((visibility("default"))) extern
# endif
#endif

#define GRAPHBIT_VERSION_0_1 (G_ENCODE_VERSION (0, 1))

#ifndef GRAPHBIT_VERSION_MIN_REQUIRED
# define GRAPHBIT_VERSION_MIN_REQUIRED GRAPHBIT_VERSION_0_1
#endif

#ifndef GRAPHBIT_VERSION_MAX_ALLOWED
# define GRAPHBIT_VERSION_MAX_ALLOWED GRAPHBIT_VERSION_0_1
#endif

#define GRAPHBIT_AVAILABLE_IN_ALL _GRAPHBIT_EXTERN
#define GRAPHBIT_AVAILABLE_IN_0_1 _GRAPHBIT_EXTERN

#define GRAPHBIT_DEPRECATED _GRAPHBIT_EXTERN G_DEPRECATED
/**
 * GRAPHBIT_DEPRECATED_FOR:
 * @f: the symbol to use instead
 *
 * Marks a public symbol as deprecated in favour of @f: code that uses it
 * gets a compiler warning naming @f. For graphbit's own headers.
 */
#define GRAPHBIT_DEPRECATED_FOR(f) _GRAPHBIT_EXTERN G_DEPRECATED_FOR (f)
