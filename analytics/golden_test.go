package analytics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The WEATHERSTREAM example of the SQL reference (Windowed Aggregation on
// Streams): MIN and MAX over RANGE INTERVAL '1' DAY PRECEDING, whose
// window includes the row exactly 24 hours earlier.
func TestGoldenWeatherStream(t *testing.T) {
	h := newHarness(t, `CITY VARCHAR(16), TEMP INTEGER`, `
		CREATE STREAM "WEATHERSTREAM" (CITY VARCHAR(16), TEMP INTEGER);
		CREATE PUMP "W" AS INSERT INTO "WEATHERSTREAM" SELECT STREAM CITY, TEMP FROM "SOURCE_SQL_STREAM_001";
		CREATE STREAM "DESTINATION_SQL_STREAM" (WMIN_TEMP INTEGER, WMAX_TEMP INTEGER);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM
		       ROWTIME,
		       MIN(TEMP) OVER W1 AS WMIN_TEMP,
		       MAX(TEMP) OVER W1 AS WMAX_TEMP
		FROM WEATHERSTREAM
		WINDOW W1 AS (
		   RANGE INTERVAL '1' DAY PRECEDING
		);`, dest)
	data := []struct {
		at   string
		city string
		temp int
	}{
		{"2018-11-01 01:00:00", "Denver", 29}, {"2018-11-01 01:00:00", "Anchorage", 2}, {"2018-11-01 06:00:00", "Miami", 65},
		{"2018-11-01 07:00:00", "Denver", 32}, {"2018-11-01 09:00:00", "Anchorage", 9}, {"2018-11-01 13:00:00", "Denver", 50},
		{"2018-11-01 17:00:00", "Anchorage", 10}, {"2018-11-01 18:00:00", "Miami", 71}, {"2018-11-01 19:00:00", "Denver", 43},
		{"2018-11-02 01:00:00", "Anchorage", 4}, {"2018-11-02 01:00:00", "Denver", 39}, {"2018-11-02 07:00:00", "Denver", 46},
		{"2018-11-02 09:00:00", "Anchorage", 3}, {"2018-11-02 13:00:00", "Denver", 56}, {"2018-11-02 17:00:00", "Anchorage", 2},
		{"2018-11-02 19:00:00", "Denver", 50}, {"2018-11-03 01:00:00", "Denver", 36}, {"2018-11-03 01:00:00", "Anchorage", 1},
	}
	src := h.e.streams["SOURCE_SQL_STREAM_001"]
	h.e.now = 0
	for _, d := range data {
		ms, _ := parseTimestampText(d.at)
		h.e.advance(ms)
		h.e.insert(src, row{rowtime: ms, vals: []Value{String(d.city), Int(int64(d.temp))}})
	}
	want := [][2]int{{29, 29}, {2, 29}, {2, 65}, {2, 65}, {2, 65}, {2, 65}, {2, 65}, {2, 71}, {2, 71},
		{2, 71}, {2, 71}, {4, 71}, {3, 71}, {3, 71}, {2, 71}, {2, 56}, {2, 56}, {1, 56}}
	var wantRows []string
	for i, d := range data {
		wantRows = append(wantRows, fmt.Sprintf("%s.000 | %d | %d", d.at, want[i][0], want[i][1]))
	}
	h.expect(dest, wantRows...)
}

func TestOuterAndCrossJoins(t *testing.T) {
	h := newHarness(t, `k INTEGER, a VARCHAR(4)`, `
		CREATE STREAM "R" (k INTEGER, b VARCHAR(4));
		CREATE STREAM "FULLJ" (lk INTEGER, a VARCHAR(4), rk INTEGER, b VARCHAR(4));
		CREATE PUMP "F" AS INSERT INTO "FULLJ"
		SELECT STREAM l.k, l.a, r.k, r.b FROM "SOURCE_SQL_STREAM_001" OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS l
		FULL OUTER JOIN "R" OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS r ON l.k = r.k;
		CREATE STREAM "CROSSJ" (a VARCHAR(4), b VARCHAR(4));
		CREATE PUMP "C" AS INSERT INTO "CROSSJ"
		SELECT STREAM l.a, r.b FROM "SOURCE_SQL_STREAM_001" AS l CROSS JOIN "R" OVER (ROWS 2 PRECEDING) AS r;`, "FULLJ", "CROSSJ")
	h.e.streams["R"].source = true
	h.put("11:00:00", "R", "1", "r1")
	h.put("11:00:01", "R", "2", "r2")
	h.src("11:00:02", "1", "l1")       // matches r1
	h.src("11:00:03", "3", "l3")       // no match: right side NULL
	h.put("11:00:04", "R", "3", "r3")  // matches l3
	h.put("11:00:20", "R", "1", "r1b") // l1 left the window: left side NULL
	h.expect("FULLJ",
		"2026-01-02 11:00:00.000 | NULL | NULL | 1 | r1",
		"2026-01-02 11:00:01.000 | NULL | NULL | 2 | r2",
		"2026-01-02 11:00:02.000 | 1 | l1 | 1 | r1",
		"2026-01-02 11:00:03.000 | 3 | l3 | NULL | NULL",
		"2026-01-02 11:00:04.000 | 3 | l3 | 3 | r3",
		"2026-01-02 11:00:20.000 | NULL | NULL | 1 | r1b")
	h.expect("CROSSJ",
		"2026-01-02 11:00:02.000 | l1 | r1",
		"2026-01-02 11:00:02.000 | l1 | r2",
		"2026-01-02 11:00:03.000 | l3 | r1",
		"2026-01-02 11:00:03.000 | l3 | r2")
}

func TestStatusTransitionsOnTheClock(t *testing.T) {
	ctx := context.Background()
	mock := newMock()
	svc := New(WithClock(mock), WithTransitionDelay(30*time.Second))
	defer svc.Close()
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "s", ApplicationCode: tickerCode,
		Inputs: []Input{tickerInput()}}); err != nil {
		t.Fatal(err)
	}
	status := func() ApplicationStatus {
		d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "s"})
		return d.ApplicationDetail.ApplicationStatus
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "s"})
	start := StartApplicationInput{ApplicationName: "s", InputConfigurations: []InputConfiguration{{Id: d.ApplicationDetail.InputDescriptions[0].InputId,
		InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: StartingPositionNow}}}}
	if err := svc.StartApplication(ctx, start); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != StatusStarting {
		t.Fatalf("after start: %s", s)
	}
	if err := svc.UpdateApplication(ctx, UpdateApplicationInput{ApplicationName: "s", CurrentApplicationVersionId: 1}); !errors.Is(err, ErrResourceInUseException) {
		t.Fatalf("update while STARTING: %v", err)
	}
	mock.Add(30 * time.Second)
	if s := status(); s != StatusRunning {
		t.Fatalf("30 s later: %s", s)
	}
	if err := svc.StopApplication(ctx, StopApplicationInput{ApplicationName: "s"}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != StatusStopping {
		t.Fatalf("after stop: %s", s)
	}
	mock.Add(30 * time.Second)
	if s := status(); s != StatusReady {
		t.Fatalf("30 s after stop: %s", s)
	}
	if err := svc.DeleteApplication(ctx, DeleteApplicationInput{ApplicationName: "s", CreateTimestamp: t0}); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != StatusDeleting {
		t.Fatalf("after delete: %s", s)
	}
	mock.Add(30 * time.Second)
	if _, err := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "s"}); !errors.Is(err, ErrResourceNotFoundException) {
		t.Fatalf("30 s after delete: %v", err)
	}
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "s"}); err != nil {
		t.Fatalf("create again after delete: %v", err)
	}
}

// The exact distinct count of the COUNT_DISTINCT_ITEMS_TUMBLING page of the
// SQL reference: SELECT STREAM DISTINCT in a subquery, grouped by STEP over
// its ROWTIME-derived column.
func TestGoldenExactDistinctCount(t *testing.T) {
	h := newHarness(t, `TICKER_SYMBOL VARCHAR(4), CHANGE DOUBLE, PRICE DOUBLE`, `
		CREATE OR REPLACE STREAM output_stream (ticker_symbol VARCHAR(4), unique_count BIGINT);
		CREATE OR REPLACE PUMP stream_pump AS
		INSERT INTO output_stream
		SELECT STREAM TICKER_SYMBOL, COUNT(distinct_stream.price) AS unique_count
		  FROM (
		    SELECT STREAM DISTINCT rowtime as window_time,
		      TICKER_SYMBOL,
		      CHANGE,
		      PRICE,
		      STEP((SOURCE_SQL_STREAM_001.rowtime) BY INTERVAL '5' SECOND)
		      FROM SOURCE_SQL_STREAM_001) as distinct_stream
		GROUP BY TICKER_SYMBOL, STEP((distinct_stream.window_time) BY INTERVAL '5' SECOND);`, "OUTPUT_STREAM")
	h.src("11:00:01", "AMZN", "1", "10")
	h.src("11:00:01", "AMZN", "1", "10") // a duplicate row: dropped by DISTINCT
	h.src("11:00:02", "AMZN", "2", "12")
	h.src("11:00:03", "MSFT", "1", "50")
	h.tick("11:00:05")
	h.expect("OUTPUT_STREAM", "2026-01-02 11:00:05.000 | AMZN | 2", "2026-01-02 11:00:05.000 | MSFT | 1")
}

func TestGroupRank(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4), v INTEGER`, `
		CREATE STREAM "RANKED" (k VARCHAR(4), v INTEGER, r INTEGER);
		CREATE PUMP "P" AS INSERT INTO "RANKED"
		SELECT STREAM * FROM TABLE(GROUP_RANK(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'V', 'groupRank', 'desc', 'asc', 1000, 3));`, "RANKED")
	for _, kv := range [][2]string{{"a", "5"}, {"b", "9"}, {"c", "5"}, {"d", "1"}} {
		h.src("11:00:01", kv[0], kv[1])
	}
	h.expect("RANKED")
	h.tick("11:00:02") // idle for 1000 ms
	h.expect("RANKED",
		"2026-01-02 11:00:01.000 | b | 9 | 1",
		"2026-01-02 11:00:01.000 | a | 5 | 2",
		"2026-01-02 11:00:01.000 | c | 5 | 2")
}

// The anomaly detection application of the developer guide
// (app-anomaly-detection): RANDOM_CUT_FOREST into a temporary stream, then
// ORDER BY the second and the score.
func TestGoldenAnomalyDetectionApp(t *testing.T) {
	h := newHarness(t, `TICKER_SYMBOL VARCHAR(4), SECTOR VARCHAR(12), CHANGE DOUBLE, PRICE DOUBLE`, `
		--Creates a temporary stream.
		CREATE OR REPLACE STREAM "TEMP_STREAM" (
		        "TICKER_SYMBOL"     VARCHAR(4),
		        "SECTOR"            VARCHAR(16),
		        "CHANGE"            DOUBLE,
		        "PRICE"             DOUBLE,
		        "ANOMALY_SCORE"     DOUBLE);

		--Creates another stream for application output.
		CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
		        "TICKER_SYMBOL"     VARCHAR(4),
		        "SECTOR"            VARCHAR(16),
		        "CHANGE"            DOUBLE,
		        "PRICE"             DOUBLE,
		        "ANOMALY_SCORE"     DOUBLE);

		-- Compute an anomaly score for each record in the input stream
		-- using Random Cut Forest
		CREATE OR REPLACE PUMP "STREAM_PUMP" AS
		   INSERT INTO "TEMP_STREAM"
		      SELECT STREAM "TICKER_SYMBOL", "SECTOR", "CHANGE", "PRICE", ANOMALY_SCORE
		      FROM TABLE(RANDOM_CUT_FOREST(
		              CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")));

		-- Sort records by descending anomaly score, insert into output stream
		CREATE OR REPLACE PUMP "OUTPUT_PUMP" AS
		   INSERT INTO "DESTINATION_SQL_STREAM"
		      SELECT STREAM * FROM "TEMP_STREAM"
		      ORDER BY FLOOR("TEMP_STREAM".ROWTIME TO SECOND), ANOMALY_SCORE DESC;`, dest)
	for i := range 30 {
		h.src(fmt.Sprintf("11:00:%02d.%03d", i/3, i%3*100), "AMZN", "TECH", fmt.Sprint(i%3), fmt.Sprint(100+i%5))
	}
	h.tick("11:00:11")
	rows := h.rows(dest)
	if len(rows) != 30 {
		t.Fatalf("%d rows, want 30", len(rows))
	}
}

// The hotspots example of the developer guide selects from the table
// function without STREAM.
func TestGoldenHotspotsApp(t *testing.T) {
	h := newHarness(t, `"x" DOUBLE, "y" DOUBLE, "is_hot" VARCHAR(4)`, `
		CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
		    "x" DOUBLE,
		    "y" DOUBLE,
		    "is_hot" VARCHAR(4),
		    HOTSPOTS_RESULT VARCHAR(10000)
		);
		CREATE OR REPLACE PUMP "STREAM_PUMP" AS
		    INSERT INTO "DESTINATION_SQL_STREAM"
		    SELECT "x", "y", "is_hot", "HOTSPOTS_RESULT"
		    FROM TABLE (
		        HOTSPOTS(
		            CURSOR(SELECT STREAM "x", "y", "is_hot" FROM "SOURCE_SQL_STREAM_001"),
		            1000,
		            0.2,
		            17)
		    );`, dest)
	h.src("11:00:00", "1", "1", "N")
	if rows := h.rows(dest); len(rows) != 1 || !strings.HasSuffix(rows[0], `{"hotspots":[]}`) {
		t.Fatalf("rows %q", rows)
	}
}

// The tumbling window query of the developer guide (tumbling-window-concepts),
// with its ROWTIME column and its two columns both named PRICE.
func TestGoldenTumblingWindowConcepts(t *testing.T) {
	h := newHarness(t, `TICKER_SYMBOL VARCHAR(4), SECTOR VARCHAR(16), CHANGE REAL, PRICE REAL`, `
		CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), min_price REAL, max_price REAL);
		CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM ROWTIME, Ticker_Symbol, MIN(Price) AS Price, MAX(Price) AS Price
		FROM "SOURCE_SQL_STREAM_001"
		GROUP BY Ticker_Symbol, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`, dest)
	h.src("11:00:05", "AMZN", "TECH", "1", "10.5")
	h.src("11:00:35", "AMZN", "TECH", "1", "12.25")
	h.src("11:00:50", "QXZ", "RETAIL", "-2", "80")
	h.tick("11:01:00")
	h.expect(dest,
		"2026-01-02 11:01:00.000 | AMZN | 10.5 | 12.25",
		"2026-01-02 11:01:00.000 | QXZ | 80.0 | 80.0")
}
