package analytics

import "testing"

func TestLogParsing(t *testing.T) {
	h := newHarness(t, `line VARCHAR(512)`, `
		CREATE STREAM "REGEX" (c1 VARCHAR(16), c2 VARCHAR(16));
		CREATE PUMP "P1" AS INSERT INTO "REGEX"
		SELECT STREAM t.r.COLUMN1, t.r.COLUMN2 FROM (
			SELECT STREAM REGEX_LOG_PARSE(line, '(\w+)=(\d+)') AS r FROM "SOURCE_SQL_STREAM_001") AS t;
		CREATE STREAM "VAR" (a VARCHAR(8), n INTEGER);
		CREATE PUMP "P2" AS INSERT INTO "VAR"
		SELECT STREAM v.A, v.N FROM (
			SELECT STREAM VARIABLE_COLUMN_LOG_PARSE(line, 'A TYPE VARCHAR(8), N TYPE INTEGER', ';') AS v FROM "SOURCE_SQL_STREAM_001") AS x;
		CREATE STREAM "FIXED" (code VARCHAR(4), amount DOUBLE);
		CREATE PUMP "P3" AS INSERT INTO "FIXED"
		SELECT STREAM f.CODE, f.AMOUNT FROM (
			SELECT STREAM FIXED_COLUMN_LOG_PARSE(line, 'CODE TYPE VARCHAR(4) START 0 FOR 4, AMOUNT TYPE DOUBLE START 4') AS f
			FROM "SOURCE_SQL_STREAM_001") AS x;
		CREATE STREAM "SYS" (ts TIMESTAMP, msg VARCHAR(64));
		CREATE PUMP "P4" AS INSERT INTO "SYS"
		SELECT STREAM s.COLUMN1, s.COLUMN2 FROM (SELECT STREAM SYS_LOG_PARSE(line) AS s FROM "SOURCE_SQL_STREAM_001") AS x;
		CREATE STREAM "W3C" (host VARCHAR(32), req VARCHAR(64), status VARCHAR(4), bytes VARCHAR(8));
		CREATE PUMP "P5" AS INSERT INTO "W3C"
		SELECT STREAM w.COLUMN1, w.COLUMN5, w.COLUMN6, w.COLUMN7 FROM (
			SELECT STREAM W3C_LOG_PARSE(line, 'COMMON') AS w FROM "SOURCE_SQL_STREAM_001") AS x;`,
		"REGEX", "VAR", "FIXED", "SYS", "W3C")
	h.src("11:00:01", "abc=123")
	h.src("11:00:02", "xy;42")
	h.src("11:00:03", "AB1212.5")
	h.src("11:00:04", "Mar  7 04:05:06 host1 sshd: accepted")
	h.src("11:00:05", `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326`)
	h.expect("REGEX",
		"2026-01-02 11:00:01.000 | abc | 123",
		"2026-01-02 11:00:02.000 | NULL | NULL",
		"2026-01-02 11:00:03.000 | NULL | NULL",
		"2026-01-02 11:00:04.000 | NULL | NULL",
		"2026-01-02 11:00:05.000 | NULL | NULL")
	rows := h.rows("VAR")
	if rows[1] != "2026-01-02 11:00:02.000 | xy | 42" {
		t.Errorf("VAR rows %q", rows)
	}
	rows = h.rows("FIXED")
	if rows[2] != "2026-01-02 11:00:03.000 | AB12 | 12.5" {
		t.Errorf("FIXED rows %q", rows)
	}
	rows = h.rows("SYS")
	if rows[3] != "2026-01-02 11:00:04.000 | 2026-03-07 04:05:06.000 | host1 sshd: accepted" {
		t.Errorf("SYS rows %q", rows)
	}
	rows = h.rows("W3C")
	if rows[4] != "2026-01-02 11:00:05.000 | 127.0.0.1 | GET /a.gif HTTP/1.0 | 200 | 2326" {
		t.Errorf("W3C rows %q", rows)
	}
}
