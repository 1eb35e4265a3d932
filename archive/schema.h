/* schema.h - a JSON Schema (draft-07) validator for the keywords our schemas
 * use, and access to the schemas embedded from schemas/ at build time. */
#ifndef XFA_SCHEMA_H
#define XFA_SCHEMA_H

#include <jansson.h>

/*
 * Validate `doc` against `schema` (both borrowed).  `$ref` resolves to
 * "#..." JSON pointers inside `schema` and to other embedded schema files
 * by name ("event.schema.json#/definitions/x").  Returns 0 or XFA_EINVALID
 * with a message "<what>: <json path>: <rule>" naming the first violation,
 * for example "case.json: petitioners[0].name: required property missing".
 */
int xfa_schema_validate(const json_t *schema, const json_t *doc,
			const char *what);

/*
 * Validate `doc` against the embedded schema file `name` (a path below
 * schemas/, e.g. "case.schema.json").  Returns 0, XFA_EINVALID, or
 * XFA_ENOTFOUND if no such schema is embedded.
 */
int xfa_schema_check(const char *name, const json_t *doc, const char *what);

/*
 * Check the shape of `schema` itself: only keywords the validator knows
 * (or "x-" ones), each with a value of the right kind, patterns it can
 * translate, $refs that resolve.  Returns 0 or XFA_ERROR naming the place.
 * The embedded schemas are linted by the tests, not at run time.
 */
int xfa_schema_lint(const json_t *schema, const char *what);

/*
 * The parsed embedded JSON file `name` (any file below schemas/, schema or
 * data); borrowed, parsed once and kept for the life of the process
 * (thread-safe).  NULL if not embedded (message set).
 */
const json_t *xfa_schema_get(const char *name);

#endif
