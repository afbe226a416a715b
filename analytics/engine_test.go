package analytics

import (
	"fmt"
	"strings"
	"testing"
)

const dest = "DESTINATION_SQL_STREAM"

func TestFilterPump(t *testing.T) {
	h := newHarness(t, `ticker_symbol VARCHAR(4), sector VARCHAR(16), change DOUBLE, price DOUBLE`, `
		CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), change DOUBLE, price DOUBLE);
		CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM ticker_symbol, change, price FROM "SOURCE_SQL_STREAM_001"
		WHERE ABS(change / (price - change) * 100) > 15;`, dest)
	h.src("11:00:01", "AMZN", "TECH", "1", "100")
	h.src("11:00:02", "WAS", "RETAIL", "20", "110")
	h.src("11:00:03", "QXZ", "TECH", "-30", "100")
	h.expect(dest,
		"2026-01-02 11:00:02.000 | WAS | 20.0 | 110.0",
		"2026-01-02 11:00:03.000 | QXZ | -30.0 | 100.0")
}

func TestTumblingClosesByDataAndClock(t *testing.T) {
	h := newHarness(t, `ticker VARCHAR(4), price DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), lo DOUBLE, hi DOUBLE, n BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM ticker, MIN(price), MAX(price), COUNT(*) FROM "SOURCE_SQL_STREAM_001" AS S
		GROUP BY ticker, STEP(S.ROWTIME BY INTERVAL '60' SECOND);`, dest)
	h.src("11:00:10", "A", "1")
	h.src("11:00:20", "B", "5")
	h.src("11:00:59.999", "A", "3")
	h.expect(dest) // nothing before the window closes
	h.src("11:01:00", "A", "7")
	h.expect(dest,
		"2026-01-02 11:01:00.000 | A | 1.0 | 3.0 | 2",
		"2026-01-02 11:01:00.000 | B | 5.0 | 5.0 | 1")
	h.tick("11:01:59.999")
	h.expect(dest)
	h.tick("11:02:00")
	h.expect(dest, "2026-01-02 11:02:00.000 | A | 7.0 | 7.0 | 1")
	h.tick("11:10:00") // empty windows emit nothing
	h.expect(dest)
}

func TestTumblingFloorEqualsStep(t *testing.T) {
	for _, g := range []string{"FLOOR(S.ROWTIME TO MINUTE)", "STEP(S.ROWTIME BY INTERVAL '1' MINUTE)"} {
		h := newHarness(t, `ticker VARCHAR(4)`, `
			CREATE STREAM "DESTINATION_SQL_STREAM" (m TIMESTAMP, n BIGINT);
			CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM `+g+`, COUNT(*) FROM "SOURCE_SQL_STREAM_001" AS S GROUP BY `+g+`;`, dest)
		h.src("11:00:10", "A")
		h.src("11:00:50", "A")
		h.tick("11:01:00")
		h.expect(dest, "2026-01-02 11:01:00.000 | 2026-01-02 11:00:00.000 | 2")
	}
}

func TestAggregateNeedsMonotonicGroupBy(t *testing.T) {
	e := newEngine()
	e.addStream(&inStream{name: "S", cols: []column{{name: "A", typ: tBigint}}, source: true})
	err := compileCode(`CREATE STREAM D (a BIGINT, n BIGINT); CREATE PUMP P AS INSERT INTO D SELECT STREAM a, COUNT(*) FROM S GROUP BY a;`, e)
	if err == nil || !strings.Contains(err.Error(), "monotonic") {
		t.Fatalf("err = %v, want a monotonic GROUP BY error", err)
	}
}

// The stagger window example of the Kinesis Data Analytics developer guide
// (stagger-window-concepts): AMZN rows give (11:01:20, 11:00, AMZN, 3) and
// (11:02:15, 11:01, AMZN, 1); the tumbling query gives three rows.
func TestStaggerAMZNExample(t *testing.T) {
	cols := `EVENT_TIME TIMESTAMP, TICKER_SYMBOL VARCHAR(4)`
	h := newHarness(t, cols, `
		CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
			event_time TIMESTAMP, ticker_symbol VARCHAR(4), ticker_count INTEGER);
		CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM
			FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL, COUNT(*) AS TICKER_COUNT
		FROM "SOURCE_SQL_STREAM_001"
		WINDOWED BY STAGGER (PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE);`, dest)
	h.src("11:00:20", "2026-01-02 11:00:10", "AMZN")
	h.src("11:00:30", "2026-01-02 11:00:20", "AMZN")
	h.src("11:01:05", "2026-01-02 11:00:55", "AMZN")
	h.src("11:01:15", "2026-01-02 11:01:05", "AMZN")
	h.tick("11:05:00")
	h.expect(dest,
		"2026-01-02 11:01:20.000 | 2026-01-02 11:00:00.000 | AMZN | 3",
		"2026-01-02 11:02:15.000 | 2026-01-02 11:01:00.000 | AMZN | 1")

	tu := newHarness(t, cols, `
		CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
			event_time TIMESTAMP, ticker_symbol VARCHAR(4), ticker_count INTEGER);
		CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL, COUNT(*) AS TICKER_COUNT
		FROM "SOURCE_SQL_STREAM_001"
		GROUP BY FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE), FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL;`, dest)
	tu.src("11:00:20", "2026-01-02 11:00:10", "AMZN")
	tu.src("11:00:30", "2026-01-02 11:00:20", "AMZN")
	tu.src("11:01:05", "2026-01-02 11:00:55", "AMZN")
	tu.src("11:01:15", "2026-01-02 11:01:05", "AMZN")
	tu.tick("11:05:00")
	tu.expect(dest,
		"2026-01-02 11:01:00.000 | 2026-01-02 11:00:00.000 | AMZN | 2",
		"2026-01-02 11:02:00.000 | 2026-01-02 11:00:00.000 | AMZN | 1",
		"2026-01-02 11:02:00.000 | 2026-01-02 11:01:00.000 | AMZN | 1")
}

func TestSlidingRangeInclusive(t *testing.T) {
	h := newHarness(t, `t VARCHAR(4), price DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (t VARCHAR(4), a DOUBLE, n BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM t, AVG(price) OVER W1, COUNT(*) OVER W1 FROM "SOURCE_SQL_STREAM_001"
		WINDOW W1 AS (PARTITION BY t RANGE INTERVAL '1' MINUTE PRECEDING);`, dest)
	h.src("11:00:00", "A", "10")
	h.src("11:00:30", "B", "100")
	h.src("11:01:00", "A", "20") // 11:00:00 is exactly 1 minute earlier: included
	h.src("11:01:00.001", "A", "30")
	h.tick("11:09:00") // rows only expiring give no output
	h.expect(dest,
		"2026-01-02 11:00:00.000 | A | 10.0 | 1",
		"2026-01-02 11:00:30.000 | B | 100.0 | 1",
		"2026-01-02 11:01:00.000 | A | 15.0 | 2",
		"2026-01-02 11:01:00.001 | A | 25.0 | 2")
}

func TestSlidingRowsTwoWindows(t *testing.T) {
	h := newHarness(t, `t VARCHAR(4), p INTEGER`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (t VARCHAR(4), a2 DOUBLE, a10 DOUBLE, prev INTEGER);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM t, AVG(CAST(p AS DOUBLE)) OVER last2, AVG(CAST(p AS DOUBLE)) OVER last10, LAG(p, 1) OVER last2
		FROM "SOURCE_SQL_STREAM_001"
		WINDOW last2 AS (PARTITION BY t ROWS 2 PRECEDING), last10 AS (PARTITION BY t ROWS 10 PRECEDING);`, dest)
	for i, p := range []string{"1", "2", "3", "4"} {
		h.src("11:00:0"+string(rune('1'+i)), "A", p)
	}
	h.expect(dest,
		"2026-01-02 11:00:01.000 | A | 1.0 | 1.0 | NULL",
		"2026-01-02 11:00:02.000 | A | 1.5 | 1.5 | 1",
		"2026-01-02 11:00:03.000 | A | 2.0 | 2.0 | 2",
		"2026-01-02 11:00:04.000 | A | 3.0 | 2.5 | 3")
}

func TestStreamJoin(t *testing.T) {
	h := newHarness(t, `orderId INTEGER, ticker VARCHAR(4)`, `
		CREATE STREAM "TRADES" (orderId INTEGER, price DOUBLE);
		CREATE STREAM "DESTINATION_SQL_STREAM" (orderId INTEGER, ticker VARCHAR(4), price DOUBLE);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM o.orderId, o.ticker, t.price
		FROM "SOURCE_SQL_STREAM_001" AS o
		LEFT OUTER JOIN "TRADES" OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS t ON o.orderId = t.orderId;`, dest)
	h.e.streams["TRADES"].source = true
	h.put("11:00:00", "TRADES", "1", "10.5")
	h.put("11:00:30", "TRADES", "2", "20")
	h.src("11:01:00", "1", "AMZN") // trade 1 is exactly a minute old: joined
	h.src("11:01:31", "2", "MSFT") // trade 2 left the window: NULLs
	h.expect(dest,
		"2026-01-02 11:01:00.000 | 1 | AMZN | 10.5",
		"2026-01-02 11:01:31.000 | 2 | MSFT | NULL")
}

func TestErrorStream(t *testing.T) {
	h := newHarness(t, `a INTEGER, b INTEGER`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (q INTEGER);
		CREATE PUMP "DIV" AS INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM a / b FROM "SOURCE_SQL_STREAM_001";`, dest, ErrorStreamName)
	h.src("11:00:01", "6", "3")
	h.src("11:00:02", "1", "0")
	h.src("11:00:03", "8", "4")
	h.expect(dest, "2026-01-02 11:00:01.000 | 2", "2026-01-02 11:00:03.000 | 2")
	h.expect(ErrorStreamName,
		"2026-01-02 11:00:02.000 | 2026-01-02 11:00:02.000 | ERROR | Division_By_Zero | division by zero | 2026-01-02 11:00:02.000 | 312c30 | DIV")
}

func TestOutOfOrderRowtime(t *testing.T) {
	h := newHarness(t, `a INTEGER, ts TIMESTAMP`, `
		CREATE STREAM "MID" (a INTEGER);
		CREATE STREAM "DESTINATION_SQL_STREAM" (a INTEGER);
		CREATE PUMP "P1" AS INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM a FROM "SOURCE_SQL_STREAM_001";`, dest, ErrorStreamName)
	s := h.e.streams[dest]
	h.src("11:00:05", "1", "NULL")
	h.e.insert(s, row{rowtime: h.at("11:00:01"), vals: []Value{Int(9)}})
	h.src("11:00:06", "2", "NULL")
	h.expect(dest, "2026-01-02 11:00:05.000 | 1", "2026-01-02 11:00:06.000 | 2")
	errs := h.rows(ErrorStreamName)
	if len(errs) != 1 || !strings.Contains(errs[0], "Rowtime_Out_Of_Order") {
		t.Fatalf("error rows = %q", errs)
	}
}

func TestDistinctUnionOrderBy(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4), v INTEGER`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (m TIMESTAMP, k VARCHAR(4));
		CREATE STREAM "U" (k VARCHAR(4));
		CREATE STREAM "O" (k VARCHAR(4), v INTEGER);
		CREATE PUMP "D" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM DISTINCT FLOOR(S.ROWTIME TO MINUTE), k FROM "SOURCE_SQL_STREAM_001" AS S;
		CREATE PUMP "UN" AS INSERT INTO "U"
			SELECT STREAM k FROM "SOURCE_SQL_STREAM_001" WHERE v > 5 UNION ALL SELECT STREAM k FROM "SOURCE_SQL_STREAM_001" WHERE v < 2;
		CREATE PUMP "OB" AS INSERT INTO "O"
			SELECT STREAM k, v FROM "SOURCE_SQL_STREAM_001" AS S ORDER BY FLOOR(S.ROWTIME TO MINUTE), v DESC;`, dest, "U", "O")
	h.src("11:00:01", "a", "1")
	h.src("11:00:02", "a", "9")
	h.src("11:00:03", "b", "3")
	h.src("11:01:00", "a", "4")
	h.expect(dest,
		"2026-01-02 11:00:01.000 | 2026-01-02 11:00:00.000 | a",
		"2026-01-02 11:00:03.000 | 2026-01-02 11:00:00.000 | b",
		"2026-01-02 11:01:00.000 | 2026-01-02 11:01:00.000 | a")
	h.expect("U", "2026-01-02 11:00:01.000 | a", "2026-01-02 11:00:02.000 | a")
	h.expect("O",
		"2026-01-02 11:00:03.000 | a | 9",
		"2026-01-02 11:00:03.000 | b | 3",
		"2026-01-02 11:00:03.000 | a | 1")
	h.tick("11:02:00")
	h.expect("O", "2026-01-02 11:01:00.000 | a | 4")
}

func TestEventTimeTumble(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4), ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ws TIMESTAMP, we TIMESTAMP, k VARCHAR(4), n BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM window_start, window_end, k, COUNT(*)
		FROM TABLE(TUMBLE(TABLE "SOURCE_SQL_STREAM_001", DESCRIPTOR(ts), INTERVAL '10' SECOND))
		GROUP BY window_start, window_end, k;`, dest, ErrorStreamName)
	h.src("11:00:00", "b", "2026-01-02 10:00:01")
	h.src("11:00:01", "a", "2026-01-02 10:00:09")
	h.src("11:00:02", "a", "2026-01-02 10:00:12") // watermark 10:00:07
	h.src("11:00:03", "a", "2026-01-02 10:00:03") // late-ish but its window is open
	h.expect(dest)
	h.src("11:00:04", "c", "2026-01-02 10:00:15") // watermark 10:00:10 fires [10:00:00, 10:00:10)
	h.expect(dest,
		"2026-01-02 11:00:04.000 | 2026-01-02 10:00:00.000 | 2026-01-02 10:00:10.000 | a | 2",
		"2026-01-02 11:00:04.000 | 2026-01-02 10:00:00.000 | 2026-01-02 10:00:10.000 | b | 1")
	h.src("11:00:05", "a", "2026-01-02 10:00:04") // late: window fired
	errs := h.rows(ErrorStreamName)
	if len(errs) != 1 || !strings.Contains(errs[0], "Late_Row") {
		t.Fatalf("error rows = %q", errs)
	}
}

func TestRowtimeOperatorAndOverride(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4), ts TIMESTAMP`, `
		CREATE STREAM "AGG" (ws TIMESTAMP, rt TIMESTAMP, n BIGINT);
		CREATE PUMP "A" AS INSERT INTO "AGG"
		SELECT STREAM FLOOR(s.ROWTIME TO MINUTE), ROWTIME AS rt, COUNT(*) FROM "SOURCE_SQL_STREAM_001" AS s GROUP BY FLOOR(s.ROWTIME TO MINUTE);
		CREATE STREAM "BYEVENT" (k VARCHAR(4));
		CREATE PUMP "E" AS INSERT INTO "BYEVENT"
		SELECT STREAM ts AS ROWTIME, k FROM "SOURCE_SQL_STREAM_001";`, "AGG", "BYEVENT", ErrorStreamName)
	h.src("11:00:05", "a", "2026-01-02 10:59:00")
	h.src("11:00:06", "b", "2026-01-02 10:58:00") // its new ROWTIME goes backwards
	h.src("11:00:07", "c", "2026-01-02 11:00:01")
	h.tick("11:01:00")
	h.expect("AGG", "2026-01-02 11:01:00.000 | 2026-01-02 11:00:00.000 | 2026-01-02 11:01:00.000 | 3")
	h.expect("BYEVENT", "2026-01-02 10:59:00.000 | a", "2026-01-02 11:00:01.000 | c")
	errs := h.rows(ErrorStreamName)
	if len(errs) != 1 || !strings.Contains(errs[0], errNameOutOfOrder) || !strings.HasSuffix(errs[0], "| E") {
		t.Fatalf("error rows %q", errs)
	}
}

// In an aggregate, a select expression equal to a GROUP BY expression is
// the group's key: FLOOR(ROWTIME TO MINUTE) is the window start even though
// the ROWTIME operator of the output row is the window end.
func TestGroupByExpressionInSelect(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4)`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (m TIMESTAMP, k VARCHAR(4), n BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM FLOOR(ROWTIME TO MINUTE), k, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
		GROUP BY FLOOR(ROWTIME TO MINUTE), k HAVING FLOOR(ROWTIME TO MINUTE) >= TIMESTAMP '2026-01-02 11:00:00';`, dest)
	h.src("11:00:30", "a")
	h.tick("11:01:00")
	h.expect(dest, "2026-01-02 11:01:00.000 | 2026-01-02 11:00:00.000 | a | 1")
}

func TestDistinctWithOrderBy(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4)`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (m TIMESTAMP, k VARCHAR(4));
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM DISTINCT FLOOR(s.ROWTIME TO MINUTE) AS m, k FROM "SOURCE_SQL_STREAM_001" AS s
		ORDER BY FLOOR(s.ROWTIME TO MINUTE), k DESC;`, dest)
	for i, k := range []string{"a", "b", "a", "c", "b"} {
		h.src(fmt.Sprintf("11:00:0%d", i), k)
	}
	h.tick("11:01:00")
	h.expect(dest,
		"2026-01-02 11:00:04.000 | 2026-01-02 11:00:00.000 | c",
		"2026-01-02 11:00:04.000 | 2026-01-02 11:00:00.000 | b",
		"2026-01-02 11:00:04.000 | 2026-01-02 11:00:00.000 | a")
}
