package analytics

import "testing"

func TestEventTimeSessionAndCumulate(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4), ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND`, `
		CREATE STREAM "SESSIONS" (ws TIMESTAMP, we TIMESTAMP, k VARCHAR(4), n BIGINT);
		CREATE PUMP "S" AS INSERT INTO "SESSIONS"
		SELECT STREAM window_start, window_end, k, COUNT(*)
		FROM TABLE(SESSION(TABLE "SOURCE_SQL_STREAM_001" PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' SECOND))
		GROUP BY window_start, window_end, k;
		CREATE STREAM "CUM" (ws TIMESTAMP, we TIMESTAMP, n BIGINT);
		CREATE PUMP "C" AS INSERT INTO "CUM"
		SELECT STREAM window_start, window_end, COUNT(*)
		FROM TABLE(CUMULATE(TABLE "SOURCE_SQL_STREAM_001", DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '30' SECOND))
		GROUP BY window_start, window_end;`, "SESSIONS", "CUM")
	h.src("11:00:00", "a", "2026-01-02 10:00:01")
	h.src("11:00:01", "b", "2026-01-02 10:00:02")
	h.src("11:00:02", "a", "2026-01-02 10:00:04") // extends a's session to 10:00:09
	h.src("11:00:03", "a", "2026-01-02 10:00:15") // a new session for a; watermark 10:00:14
	// Fired together, windows come out by end, start, then key.
	h.expect("SESSIONS",
		"2026-01-02 11:00:03.000 | 2026-01-02 10:00:02.000 | 2026-01-02 10:00:07.000 | b | 1",
		"2026-01-02 11:00:03.000 | 2026-01-02 10:00:01.000 | 2026-01-02 10:00:09.000 | a | 2")
	h.expect("CUM", "2026-01-02 11:00:03.000 | 2026-01-02 10:00:00.000 | 2026-01-02 10:00:10.000 | 3")
	h.src("11:00:04", "c", "2026-01-02 10:00:41") // watermark 10:00:40
	h.expect("SESSIONS", "2026-01-02 11:00:04.000 | 2026-01-02 10:00:15.000 | 2026-01-02 10:00:20.000 | a | 1")
	h.expect("CUM",
		"2026-01-02 11:00:04.000 | 2026-01-02 10:00:00.000 | 2026-01-02 10:00:20.000 | 4",
		"2026-01-02 11:00:04.000 | 2026-01-02 10:00:00.000 | 2026-01-02 10:00:30.000 | 4")
}

func TestProcessingTimeTumbleClosesOnTheClock(t *testing.T) {
	h := newHarness(t, `k VARCHAR(4)`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ws TIMESTAMP, wt TIMESTAMP, n BIGINT);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM window_start, window_time, COUNT(*)
		FROM TABLE(TUMBLE(TABLE "SOURCE_SQL_STREAM_001", DESCRIPTOR(ROWTIME), INTERVAL '10' SECOND))
		GROUP BY window_start, window_end;`, dest)
	h.src("11:00:01", "a")
	h.src("11:00:09.999", "a")
	h.expect(dest)
	h.tick("11:00:10")
	h.expect(dest, "2026-01-02 11:00:10.000 | 2026-01-02 11:00:00.000 | 2026-01-02 11:00:09.999 | 2")
}

func TestLagNthValueExpAvg(t *testing.T) {
	h := newHarness(t, `v DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (prev2 DOUBLE, first_v DOUBLE, second_v DOUBLE, e DOUBLE);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM LAG(v, 2) OVER w, FIRST_VALUE(v) OVER w, NTH_VALUE(v, 2) OVER w, EXP_AVG(v, INTERVAL '10' SECOND) OVER w
		FROM "SOURCE_SQL_STREAM_001" WINDOW w AS (ROWS 3 PRECEDING);`, dest)
	h.src("11:00:00", "10")
	h.src("11:00:10", "20")
	h.src("11:00:20", "30")
	h.expect(dest,
		"2026-01-02 11:00:00.000 | NULL | 10.0 | NULL | 10.0",
		"2026-01-02 11:00:10.000 | NULL | 10.0 | 20.0 | 16.666666666666668",
		"2026-01-02 11:00:20.000 | 10.0 | 10.0 | 20.0 | 24.285714285714285")
}
