// SPDX-License-Identifier: GPL-2.0
/* test_template.c - --format templates: fields, json, missing keys, terminal
 * escaping, and hostile templates (unterminated, nested, huge, deep). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "template.h"

static const char event[] =
	"{\"event\":\"signal\",\"signal\":9,\"out_of_band\":true,\"argv\":[\"a\",\"b\"],"
	"\"container\":{\"name\":\"web\",\"pod\":null},"
	"\"sender\":{\"host_pid\":42,\"comm\":\"ev\\u001b[31mil\\nx\"}}";

static char *render(const char *tpl, const char *json)
{
	static char out[8192];
	struct template *t;
	struct outbuf b;
	char err[256];

	t = template_parse(tpl, err, sizeof(err));
	assert_non_null(t);
	outbuf_init(&b);
	assert_int_equal(template_render_json(t, json, strlen(json), &b), 0);
	assert_false(b.failed);
	assert_true(b.len < sizeof(out));
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	outbuf_free(&b);
	template_free(t);
	return out;
}

static void test_fields(void **state)
{
	(void)state;
	assert_string_equal(render("{{.event}} {{.container.name}} sig={{.signal}}", event),
			    "signal web sig=9\n");
	assert_string_equal(render("{{ .out_of_band }}|{{.nope}}|{{.container.pod}}|{{.event.x}}|",
				   event), "true||||\n");
	assert_string_equal(render("{{json .argv}} {{json .sender.host_pid}} {{.argv}}", event),
			    "[\"a\",\"b\"] 42 [\"a\",\"b\"]\n");
	assert_string_equal(render("plain text", event), "plain text\n");
	assert_string_equal(render("a}}b", event), "a}}b\n");
	/* an array: one line per element (lookout ps --json) */
	assert_string_equal(render("{{.n}}", "[{\"n\":1},{\"n\":\"two\"},{}]"), "1\ntwo\n\n");
	assert_string_equal(render("{{.}}", "{\"a\":1}"), "{\"a\":1}\n");
}

static void test_terminal_escaped(void **state)
{
	char *out;

	(void)state;
	out = render("{{.sender.comm}} {{json .sender}}", event);
	assert_null(strchr(out, '\x1b'));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	assert_non_null(strstr(out, "ev\\x1b[31mil\\x0ax "));
}

static void expect_refused(const char *tpl, const char *why)
{
	char err[256] = "";

	assert_null(template_parse(tpl, err, sizeof(err)));
	if (!strstr(err, why))
		fail_msg("template '%.40s': error '%s' does not say '%s'", tpl, err, why);
}

static void test_hostile(void **state)
{
	char *big, *deep;
	size_t i;

	(void)state;
	expect_refused("", "empty template");
	expect_refused(NULL, "empty template");
	expect_refused("{{.event", "without its }}");
	expect_refused("x {{", "without its }}");
	expect_refused("{{.a {{.b}} }}", "inside another");
	expect_refused("{{ {{.a}} }}", "inside another");
	expect_refused("{{}}", "empty");
	expect_refused("{{   }}", "empty");
	expect_refused("{{event}}", "not a field");
	expect_refused("{{printf \"%s\" .a}}", "not a field");
	expect_refused("{{json}}", "not a field");
	expect_refused("{{.a..b}}", "a key is");
	expect_refused("{{.a-b}}", "a key is");
	expect_refused("{{.a.}}", "a key is");
	expect_refused("{{.a b}}", "a key is");

	big = malloc(TEMPLATE_MAX_LEN + 2);
	assert_non_null(big);
	memset(big, 'x', TEMPLATE_MAX_LEN + 1);
	big[TEMPLATE_MAX_LEN + 1] = '\0';
	expect_refused(big, "more than");
	/* many actions: more parts than allowed */
	for (i = 0; i + 7 <= TEMPLATE_MAX_LEN; i += 7)
		memcpy(big + i, "{{.a}}-", 7);
	big[i] = '\0';
	expect_refused(big, "parts");
	free(big);

	deep = malloc(4 * (TEMPLATE_MAX_DEPTH + 1) + 8);
	assert_non_null(deep);
	strcpy(deep, "{{");
	for (i = 0; i <= TEMPLATE_MAX_DEPTH; i++)
		strcat(deep, ".ab");
	strcat(deep, "}}");
	expect_refused(deep, "keys");
	free(deep);
}

static void test_not_json(void **state)
{
	char err[64];
	struct template *t = template_parse("{{.a}}", err, sizeof(err));
	struct outbuf b;

	(void)state;
	outbuf_init(&b);
	assert_int_equal(template_render_json(t, "{\"a\":", 5, &b), -1);
	outbuf_free(&b);
	template_free(t);
	template_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_terminal_escaped),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_not_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
