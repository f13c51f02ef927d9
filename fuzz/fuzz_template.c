// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_template.c - --format templates: the input (up to its first NUL) is parsed as a
 * template and, when accepted, applied to a fixed event object with hostile strings.
 * Checked: a refusal says where and why in a terminated message; an accepted template
 * renders exactly one line with no raw control byte (strings are terminal-escaped) other
 * than what the template's own literal text holds.
 */
#include <stdint.h>

#include "fuzz.h"
#include "outbuf.h"
#include "template.h"

static const char event[] =
	"{\"event\":\"signal\",\"signal\":9,\"out_of_band\":true,\"argv\":[\"a\",\"b\\u001b\"],"
	"\"container\":{\"name\":\"we\\nb\",\"pod\":null,\"x\":{\"y\":{\"z\":1.5}}},"
	"\"sender\":{\"host_pid\":42,\"comm\":\"ev\\u001b[31mil\\u0007\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = strndup((const char *)data, size), err[256];
	struct template *t;
	struct outbuf b;
	size_t i, literal_ctl = 0, out_ctl = 0;

	if (!src)
		return 0;
	memset(err, 'x', sizeof(err));
	t = template_parse(src, err, sizeof(err));
	if (!t) {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0], "refusal without a message");
		free(src);
		return 0;
	}
	for (i = 0; src[i]; i++)
		literal_ctl += (unsigned char)src[i] < 0x20 || src[i] == 0x7f;
	outbuf_init(&b);
	FUZZ_CHECK(!template_render_json(t, event, sizeof(event) - 1, &b), "the event is JSON");
	FUZZ_CHECK(b.failed || (b.len && b.data[b.len - 1] == '\n'), "no final newline");
	for (i = 0; !b.failed && i + 1 < b.len; i++)
		out_ctl += (unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f;
	/* control bytes come from the template's literal text only, never from a value */
	FUZZ_CHECK(b.failed || literal_ctl || !out_ctl, "a raw control byte from a value");
	outbuf_free(&b);
	template_free(t);
	free(src);
	return 0;
}
