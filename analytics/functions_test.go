package analytics

import (
	"testing"
)

// evalSQL evaluates a constant expression; ROWTIME and the clock are t0.
func evalSQL(t *testing.T, src string) (string, string) {
	t.Helper()
	toks, err := lex(src)
	if err != nil {
		return "", err.Error()
	}
	p := &parser{toks: toks}
	x, err := p.expr()
	if err != nil {
		return "", err.Error()
	}
	if p.peek().kind != tEOF {
		return "", "trailing input"
	}
	c := &compiler{sc: &scope{}}
	f, _, err := c.compile(x)
	if err != nil {
		return "", err.Error()
	}
	ms := t0.UnixMilli()
	v, err := f(&env{rowtime: ms, now: ms + 5, start: ms})
	if err != nil {
		return "", err.Error()
	}
	if v.IsNull() {
		return "NULL", ""
	}
	return v.String(), ""
}

func TestFunctions(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"STEP(23 BY 5)", "20"},
		{"STEP(-3 BY 5)", "-5"},
		{"STEP(TIMESTAMP '2026-01-02 11:07:31' BY INTERVAL '5' MINUTE)", "2026-01-02 11:05:00.000"},
		{"STEP(CAST(NULL AS BIGINT) BY 5)", "NULL"},
		{"FLOOR(TIMESTAMP '2026-01-02 11:07:31.250' TO MINUTE)", "2026-01-02 11:07:00.000"},
		{"CEIL(TIMESTAMP '2026-01-02 11:07:31' TO HOUR)", "2026-01-02 12:00:00.000"},
		{"FLOOR(TIMESTAMP '2026-05-17 11:07:31' TO MONTH)", "2026-05-01 00:00:00.000"},
		{"FLOOR(2.7)", "2.0"},
		{"CEILING(2.1)", "3.0"},
		{"ABS(-4)", "4"},
		{"MOD(17, 5)", "2"},
		{"POWER(2, 10)", "1024.0"},
		{"LN(EXP(1))", "1.0"},
		{"LOG10(1000)", "3.0"},
		{"7 / 2", "3"},
		{"7 / 2.0", "3.5"},
		{"1 / 0", "Division_By_Zero: division by zero"},
		{"COALESCE(NULL, NULL, 'x')", "x"},
		{"NULLIF(3, 3)", "NULL"},
		{"NULLIF(3, 4)", "3"},
		{"CAST('12' AS INTEGER) + 1", "13"},
		{"CAST('x' AS INTEGER)", "Data_Conversion_Error: cannot convert 'x' to INTEGER"},
		{"CAST(3.99 AS INTEGER)", "3"},
		{"CAST(300 AS TINYINT)", "Data_Conversion_Error: value 300 out of range for TINYINT"},
		{"CAST('abcdef' AS VARCHAR(3))", "abc"},
		{"CAST(1.005 AS DECIMAL(5,2))", "1.0"},
		{"CAST('2026-01-02 03:04:05' AS TIMESTAMP)", "2026-01-02 03:04:05.000"},
		{"CAST(TRUE AS VARCHAR(5))", "TRUE"},
		{"CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' END", "b"},
		{"CASE 3 WHEN 1 THEN 'one' ELSE 'other' END", "other"},
		{"TSDIFF(TIMESTAMP '2026-01-02 00:00:01', TIMESTAMP '2026-01-02 00:00:00')", "1000"},
		{"TO_TIMESTAMP(1000)", "1970-01-01 00:00:01.000"},
		{"UNIX_TIMESTAMP(TIMESTAMP '1970-01-01 00:00:02')", "2000"},
		{"CHAR_TO_TIMESTAMP('yyyy-MM-dd HH:mm:ss', '2026-03-04 05:06:07')", "2026-03-04 05:06:07.000"},
		{"CHAR_TO_TIMESTAMP('dd/MMM/yyyy:HH:mm:ss', '04/Mar/2026:05:06:07')", "2026-03-04 05:06:07.000"},
		{"CHAR_TO_DATE('yyyy-MM-dd', '2026-03-04')", "2026-03-04"},
		{"TIMESTAMP_TO_CHAR('yyyy/MM/dd HH:mm', TIMESTAMP '2026-03-04 05:06:07')", "2026/03/04 05:06"},
		{"CURRENT_ROW_TIMESTAMP", "2026-01-02 11:00:00.005"},
		{"CURRENT_TIMESTAMP", "2026-01-02 11:00:00.000"},
		{"EXTRACT(HOUR FROM TIMESTAMP '2026-01-02 13:14:15')", "13"},
		{"EXTRACT(DOY FROM DATE '2026-02-01')", "32"},
		{"TIMESTAMP '2026-01-02 00:00:00' + INTERVAL '90' SECOND", "2026-01-02 00:01:30.000"},
		{"TIMESTAMP '2026-01-02 00:01:00' - TIMESTAMP '2026-01-02 00:00:00'", "+0 00:01:00.000"},
		{"INTERVAL '1 02:03:04.5' DAY TO SECOND", "+1 02:03:04.500"},
		{"SUBSTRING('hello' FROM 2 FOR 3)", "ell"},
		{"SUBSTRING('hello', 4)", "lo"},
		{"SUBSTRING('hello' FROM 0 FOR 2)", "h"},
		{"SUBSTRING('ab12cd' FROM '[0-9]+')", "12"},
		{"POSITION('l' IN 'hello')", "3"},
		{"POSITION('' IN 'hello')", "1"},
		{"POSITION('z' IN 'hello')", "0"},
		{"CHAR_LENGTH('héllo')", "5"},
		{"UPPER('abc') || LOWER('DEF')", "ABCdef"},
		{"INITCAP('hello wORLD')", "Hello World"},
		{"TRIM('  x  ')", "x"},
		{"TRIM(LEADING 'x' FROM 'xxaxx')", "axx"},
		{"TRIM(TRAILING FROM '  a  ')", "  a"},
		{"OVERLAY('abcdef' PLACING 'XY' FROM 2 FOR 3)", "aXYef"},
		{"REGEX_REPLACE('a1b22c', '[0-9]+', '#', 1, 0)", "a#b#c"},
		{"REGEX_REPLACE('a1b22c', '[0-9]+', '#', 1, 2)", "a1b#c"},
		{"REGEX_REPLACE('john smith', '(\\w+) (\\w+)', '$2 $1', 1, 0)", "smith john"},
		{"REGEX_REPLACE('afoo', '\\Bfoo', '[$1]', 1, 1)", "a[$1]"},
		{"'abc' LIKE 'a_c'", "TRUE"},
		{"'abc' LIKE 'a%'", "TRUE"},
		{"'a%c' LIKE 'a!%c' ESCAPE '!'", "TRUE"},
		{"'abc' NOT LIKE 'b%'", "TRUE"},
		{"'abc' SIMILAR TO '(a|z)bc'", "TRUE"},
		{"3 BETWEEN 1 AND 5", "TRUE"},
		{"3 NOT IN (1, 2)", "TRUE"},
		{"NULL IN (1, 2)", "NULL"},
		{"NULL IS NULL AND 1 IS NOT NULL", "TRUE"},
		{"NOT (NULL = 1)", "NULL"},
		{"FALSE AND NULL", "FALSE"},
		{"TRUE OR NULL", "TRUE"},
		{"u&'\\00e9t\\00e9'", "été"},
		{"X'0aff'", "0aff"},
		{"1e3", "1000.0"},
		{"2.5e-4 * 1", "2.5E-4"},
		{"MONOTONIC(5)", "5"},
		{"NO_SUCH(1)", "SQL error at line 1, column 1: no function NO_SUCH"},
		{"COUNT(*)", "SQL error at line 1, column 1: aggregate COUNT needs GROUP BY a monotonic expression (e.g. STEP(ROWTIME BY INTERVAL '1' MINUTE)), WINDOWED BY STAGGER, or an OVER window"},
		{"REGEX_REPLACE('a', '(', 'b', 1, 0)", "SQL error at line 1, column 20: invalid regular expression '(': error parsing regexp: missing closing ): `(`"},
	}
	for _, c := range cases {
		v, errText := evalSQL(t, c.expr)
		got := v
		if errText != "" {
			got = errText
			if e, ok := stripCode(errText); ok {
				got = e
			}
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got, c.want)
		}
	}
}

func stripCode(s string) (string, bool) {
	const p = "CodeValidationException: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

func TestAggregatesInGroups(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4), v DOUBLE, b BOOLEAN`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (k VARCHAR(4), n BIGINT, nv BIGINT, nd BIGINT, s DOUBLE, a DOUBLE, lo DOUBLE, hi DOUBLE,
			f DOUBLE, l DOUBLE, lnn DOUBLE, sp DOUBLE, ss DOUBLE, vp DOUBLE, vs DOUBLE, an BOOLEAN, ev BOOLEAN);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM k, COUNT(*), COUNT(v), COUNT(DISTINCT v), SUM(v), AVG(v), MIN(v), MAX(v), FIRST_VALUE(v), LAST_VALUE(v),
			LAST_VALUE(v) IGNORE NULLS, STDDEV_POP(v), STDDEV_SAMP(v), VAR_POP(v), VAR_SAMP(v), ANY(b), EVERY(b)
		FROM "SOURCE_SQL_STREAM_001" AS S GROUP BY k, FLOOR(S.ROWTIME TO MINUTE);`, dest)
	h.src("11:00:01", "a", "2", "true")
	h.src("11:00:02", "a", "4", "false")
	h.src("11:00:03", "a", "4", "true")
	h.src("11:00:04", "a", "NULL", "NULL")
	h.tick("11:01:00")
	h.expect(dest, "2026-01-02 11:01:00.000 | a | 4 | 3 | 2 | 10.0 | 3.3333333333333335 | 2.0 | 4.0 | 2.0 | NULL | 4.0 | "+
		"0.9428090415820634 | 1.1547005383792515 | 0.8888888888888888 | 1.3333333333333333 | TRUE | FALSE")
}

func TestTopKAndCountDistinctItems(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4)`, `
		CREATE STREAM "TOPK" (item VARCHAR(4), item_count BIGINT);
		CREATE STREAM "DISTINCTS" (n BIGINT);
		CREATE PUMP "P1" AS INSERT INTO "TOPK"
		SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'K', 2, 60));
		CREATE PUMP "P2" AS INSERT INTO "DISTINCTS"
		SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'K', 60));`,
		"TOPK", "DISTINCTS")
	for i, k := range []string{"b", "a", "c", "a", "b", "a"} {
		h.src("11:00:0"+string(rune('0'+i)), k)
	}
	h.tick("11:01:00")
	h.expect("TOPK", "2026-01-02 11:01:00.000 | a | 3", "2026-01-02 11:01:00.000 | b | 2")
	h.expect("DISTINCTS", "2026-01-02 11:01:00.000 | 3")
}

// FuzzEval: evaluating any constant expression never panics; failures are
// errors.
func FuzzEval(f *testing.F) {
	for _, s := range []string{"REGEX_REPLACE('afoo', '\\Bfoo', '[$1]', 1, 1)", "SUBSTRING('hello' FROM 2 FOR 3)",
		"CHAR_TO_TIMESTAMP('yyyy-MM-dd', '2026-01-02')", "OVERLAY('abc' PLACING 'x' FROM 5 FOR 9)", "POSITION('' IN 'a' FROM 9)",
		"CAST('1e400' AS DOUBLE) / 0", "STEP(TIMESTAMP '2026-01-01 00:00:00' BY INTERVAL '7' DAY)", "EXTRACT(DOY FROM DATE '2026-02-01')",
		"'a' LIKE '%_!' ESCAPE '!'", "TRIM(BOTH 'ab' FROM 'abcba')", "INITCAP(u&'\\00e9t\\00e9 x')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = evalSQL(t, src)
	})
}
