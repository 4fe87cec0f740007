/* Typing of YAML scalars under the YAML 1.2 core schema, and the YAML 1.1 look-alikes to refuse. */
#ifndef TARE_YAML_SCALAR_H
#define TARE_YAML_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum yaml_scalar_type {
	YAML_SCALAR_NULL,
	YAML_SCALAR_BOOL,
	YAML_SCALAR_INT,
	YAML_SCALAR_FLOAT,
	YAML_SCALAR_STRING,
};

/* A typed scalar; the string itself stays with the caller (the text that was resolved). */
struct yaml_scalar_value {
	enum yaml_scalar_type type;
	bool b;
	int64_t i;
	double f;
};

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* Types text (NUL-terminated, len bytes). tag is the resolved tag from libyaml or NULL; plain says
 * whether the scalar was written plain (unquoted, not a block scalar). Untagged plain scalars
 * follow the core schema; untagged non-plain ones, "!", !!str and every tag outside the core schema
 * are strings; !!null, !!bool, !!int and !!float require text of that type. Returns 0, or -1 with
 * *problem pointing at a static description of the mismatch. */
int yaml_scalar_resolve(const char *text, size_t len, const char *tag, bool plain,
                        struct yaml_scalar_value *out, const char **problem);

/* For a plain, untagged scalar: when YAML 1.1 reads text differently from YAML 1.2 (yes/no/on/off/
 * y/n in any case, 0755-style octals, 1:30:00-style base 60), appends the complete error message,
 * hint included, to msg and returns true. */
bool yaml_scalar_yaml11(const char *text, size_t len, struct strbuf *msg);

#endif
