package analytics

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	cases := map[string]string{
		"ddl and filter pump": `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), change DOUBLE, price DOUBLE NOT NULL);
			CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM ticker_symbol, change, price FROM "SOURCE_SQL_STREAM_001" WHERE ABS(change/(price-change)*100) > 15;`,
		"tumbling step": `CREATE STREAM s (t VARCHAR(4), lo DOUBLE, hi DOUBLE);
			CREATE PUMP p AS INSERT INTO s SELECT STREAM ticker, MIN(price), MAX(price) FROM "SOURCE_SQL_STREAM_001" AS S
			GROUP BY ticker, STEP(S.ROWTIME BY INTERVAL '60' SECOND) HAVING COUNT(*) > 1;`,
		"tumbling floor":  `INSERT INTO s SELECT STREAM FLOOR(s.ROWTIME TO MINUTE) AS m, COUNT(*) FROM src s GROUP BY FLOOR(s.ROWTIME TO MINUTE)`,
		"sliding named":   `INSERT INTO s SELECT STREAM t, AVG(price) OVER W1 AS a FROM src WINDOW W1 AS (PARTITION BY t RANGE INTERVAL '1' MINUTE PRECEDING)`,
		"rows windows":    `INSERT INTO s SELECT STREAM AVG(p) OVER last2, AVG(p) OVER last10 FROM src WINDOW last2 AS (PARTITION BY t ROWS 2 PRECEDING), last10 AS (PARTITION BY t ROWS 10 PRECEDING)`,
		"inline over":     `INSERT INTO s SELECT STREAM SUM(p) OVER (ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM src`,
		"stagger":         `INSERT INTO s SELECT STREAM FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL, COUNT(*) FROM src WINDOWED BY STAGGER (PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE)`,
		"stream join":     `INSERT INTO s SELECT STREAM o.orderId, t.price FROM OrderStream AS o JOIN TradeStream OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS t ON o.orderId = t.orderId`,
		"left outer join": `INSERT INTO s SELECT STREAM * FROM a LEFT OUTER JOIN b OVER w AS x ON a.k = x.k AND a.v > 3 WINDOW w AS (RANGE INTERVAL '10' SECOND PRECEDING)`,
		"table join":      `INSERT INTO s SELECT STREAM a.t, r."Company" FROM "SOURCE_SQL_STREAM_001" a LEFT JOIN "CompanyName" r ON a.t = r."Ticker"`,
		"distinct union":  `INSERT INTO s SELECT STREAM DISTINCT a FROM x UNION ALL SELECT STREAM b FROM y`,
		"order by":        `INSERT INTO s SELECT STREAM * FROM x ORDER BY FLOOR(x.ROWTIME TO SECOND), score DESC`,
		"case cast":       `INSERT INTO s SELECT STREAM CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN NULL ELSE 'small' END, CAST(b AS DECIMAL(10,2)), CASE a WHEN 1 THEN TRUE END FROM x`,
		"unicode":         `INSERT INTO "Strömung" SELECT STREAM u&'\00e9t\00e9' || 'x' AS "Größe", préfixe FROM "données"`,
		"functions": `INSERT INTO s SELECT STREAM TSDIFF(a, b), TO_TIMESTAMP(1), CHAR_TO_TIMESTAMP('yyyy-MM-dd', c),
			CURRENT_ROW_TIMESTAMP, POSITION('a' IN b), SUBSTRING(c FROM 2 FOR 3), TRIM(LEADING 'x' FROM c), EXTRACT(HOUR FROM ts),
			LAG(a, 1) OVER w, FIRST_VALUE(a) IGNORE NULLS OVER w, COUNT(DISTINCT a) OVER w, OVERLAY(c PLACING 'z' FROM 1 FOR 2),
			a BETWEEN 1 AND 2, a NOT IN (1,2), c LIKE 'a%', c NOT LIKE 'b_', INTERVAL '1:30' MINUTE TO SECOND, TIMESTAMP '2020-01-01 00:00:00'
			FROM x WINDOW w AS (ROWS 5 PRECEDING)`,
		"table function": `INSERT INTO s SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM x), 100, 256, 100000, 1))`,
		"top k":          `INSERT INTO s SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM x), 'col', 3, 60))`,
		"event time": `CREATE STREAM e (k VARCHAR(8), ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND);
			INSERT INTO s SELECT STREAM window_start, window_end, k, COUNT(*) FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k`,
		"session": `INSERT INTO s SELECT STREAM window_start, k, COUNT(*) FROM TABLE(SESSION(TABLE e PARTITION BY k, DESCRIPTOR(ts), INTERVAL '30' SECOND)) GROUP BY window_start, window_end, k`,
		"view and comments": `-- a comment
			/* block
			   comment */ CREATE OR REPLACE VIEW v AS SELECT STREAM a FROM x;`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := parseCode(src); err != nil {
				t.Fatalf("parseCode: %v", err)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		{"CREATE STREAM", "line 1, column 14: expected stream name but found end of input"},
		{"CREATE STREAM s (a INT,\n  b FOO)", "line 2, column 5: unknown type FOO"},
		{"INSERT INTO s SELECT STREAM a FROM", "line 1, column 35: expected stream or table name"},
		{"INSERT INTO s SELECT STREAM a FROM x WHERE", "expected an expression"},
		{"SELECT 'abc", "unterminated string literal"},
		{`CREATE STREAM "" (a INT)`, "empty quoted identifier"},
		{"INSERT INTO s SELECT STREAM a FROM x UNION SELECT STREAM b FROM y", "only UNION ALL"},
		{"INSERT INTO s SELECT STREAM a FROM x RIGHT y ON a = b", "expected JOIN but found Y"},
		{"INSERT INTO s SELECT STREAM a FROM x JOIN y", "expected ON but found end of input"},
		{"CREATE STREAM s (a INT, a INT)", `duplicate column "A"`},
		{"CREATE STREAM s (a VARCHAR(0))", "positive length"},
		{"INSERT INTO s SELECT STREAM a FROM x GROUP BY a WINDOWED BY STAGGER (PARTITION BY a RANGE INTERVAL '1' MINUTE)", "replaces GROUP BY"},
		{"INSERT INTO s SELECT STREAM INTERVAL 'x' SECOND FROM x", "invalid interval literal"},
		{"INSERT INTO s SELECT STREAM a FROM x #", "unexpected character"},
		{"CREATE STREAM s (ts TIMESTAMP, WATERMARK FOR ts AS ts + 1)", "WATERMARK must be"},
		{"INSERT INTO s SELECT STREAM " + strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500) + " FROM x", "nesting too deep"},
	}
	for _, c := range cases {
		_, err := parseCode(c.src)
		if !errors.Is(err, ErrCodeValidationException) {
			t.Errorf("parseCode(%q) = %v, want CodeValidationException", c.src, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseCode(%q) = %v, want it to contain %q", c.src, err, c.want)
		}
	}
}

func TestLexIdentifiers(t *testing.T) {
	toks, err := lex(`abc "MiXed" u&"\00e9" x'0aff' 'it''s' 1.5e3`)
	if err != nil {
		t.Fatal(err)
	}
	want := []token{{kind: tIdent, text: "ABC"}, {kind: tQIdent, text: "MiXed"}, {kind: tQIdent, text: "é"},
		{kind: tBinary, text: "\x0a\xff"}, {kind: tString, text: "it's"}, {kind: tNumber, text: "1.5e3"}}
	for i, w := range want {
		if toks[i].kind != w.kind || toks[i].text != w.text {
			t.Errorf("token %d = %v %q, want %v %q", i, toks[i].kind, toks[i].text, w.kind, w.text)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`CREATE OR REPLACE STREAM "D" (a INT); CREATE PUMP p AS INSERT INTO "D" SELECT STREAM a FROM "S" WHERE a > 1;`,
		`INSERT INTO s SELECT STREAM k, COUNT(*) FROM x GROUP BY k, STEP(x.ROWTIME BY INTERVAL '10' SECOND)`,
		`INSERT INTO s SELECT STREAM AVG(p) OVER (PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING) FROM x`,
		`INSERT INTO s SELECT STREAM * FROM TABLE(HOP(TABLE e, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))`,
		`SELECT u&'\+01F600' FROM "x" WINDOWED BY STAGGER (PARTITION BY a RANGE INTERVAL '1' MINUTE)`,
	} {
		f.Add(s)
	}
	f.Add(`CREATE STREAM D (a BIGINT, n BIGINT); CREATE PUMP P AS INSERT INTO D SELECT STREAM a, COUNT(*) FROM S GROUP BY a, FLOOR(S.ROWTIME TO MINUTE);`)
	f.Add(`CREATE STREAM D (x VARCHAR(9)); INSERT INTO D SELECT STREAM t.r.COLUMN1 FROM (SELECT STREAM REGEX_LOG_PARSE(K, '(a)') AS r FROM S) AS t;`)
	f.Add(`CREATE STREAM D (a BIGINT); INSERT INTO D SELECT STREAM SUM(A) OVER (PARTITION BY K ROWS 3 PRECEDING) FROM S;`)
	f.Fuzz(func(t *testing.T, src string) {
		_, err := parseCode(src)
		if err != nil && !errors.Is(err, ErrCodeValidationException) {
			t.Fatalf("parseCode error %v is not a CodeValidationException", err)
		}
		// Compiling must not panic either, and rejects only with
		// CodeValidationException.
		if err == nil {
			e := newEngine()
			e.addStream(&inStream{name: "S", source: true, wmIdx: -1, cols: []column{{name: "A", typ: tBigint},
				{name: "TS", typ: tTimestamp}, {name: "K", typ: tVarchar}}})
			err := compileCode(src, e)
			if err != nil && !errors.Is(err, ErrCodeValidationException) {
				t.Fatalf("compileCode error %v is not a CodeValidationException", err)
			}
			if err == nil {
				// Running what compiled must not panic either.
				s := e.streams["S"]
				now := t0.UnixMilli()
				for i, k := range []string{"a", "b", "a", ""} {
					now += int64(i) * 700
					e.advance(now)
					e.insert(s, row{rowtime: now, vals: []Value{Int(int64(i - 1)), tsMillis(now - 3000), String(k)}})
				}
				e.advance(now + 3600_000)
			}
		}
	})
}
