/* api.h: AD_API marks what the shared library libaandacht exports.
 *
 * The engine is compiled with hidden visibility: a function or table of any
 * layer is internal to the library unless its declaration carries AD_API.
 * The public API is what include/aandacht.h and the headers it includes
 * declare with AD_API (loading scenarios, worlds, errors, the parameter and
 * observable tables); everything else may change between versions.
 */
#ifndef AD_API_H
#define AD_API_H

#if defined(__GNUC__) || defined(__clang__)
#define AD_API __attribute__((visibility("default")))
#else
#define AD_API
#endif

#endif
