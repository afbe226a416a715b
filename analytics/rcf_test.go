package analytics

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestRandomCutForestScoresTheOutlier(t *testing.T) {
	run := func() []float64 {
		h := newHarness(t, `sensor VARCHAR(4), v DOUBLE`, `
			CREATE STREAM "DESTINATION_SQL_STREAM" (sensor VARCHAR(4), v DOUBLE, anomaly_score DOUBLE);
			CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM sensor, v, ANOMALY_SCORE FROM TABLE(RANDOM_CUT_FOREST(
				CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 20, 64, 1000, 1));`, dest)
		for i := range 300 {
			v := 10 + float64(i%7)*0.5
			if i == 250 {
				v = 95
			}
			h.put(fmt.Sprintf("11:%02d:%02d", i/60, i%60), "SOURCE_SQL_STREAM_001", "s1", fmt.Sprint(v))
		}
		var scores []float64
		for _, r := range h.rows(dest) {
			var f float64
			fmt.Sscanf(r[strings.LastIndex(r, "|")+2:], "%g", &f)
			scores = append(scores, f)
		}
		return scores
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatal("scores differ between identical runs")
	}
	if len(a) != 300 || a[0] != 0 {
		t.Fatalf("%d scores, first %v", len(a), a[0])
	}
	top := slices.Index(a, slices.Max(a))
	sorted := slices.Clone(a[100:])
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	if top != 250 || a[250] < 2*median {
		t.Fatalf("max score at row %d (%.3f), outlier %.3f, median %.3f", top, slices.Max(a), a[250], median)
	}
}

func TestHotspots(t *testing.T) {
	h := newHarness(t, `x DOUBLE, y DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (x DOUBLE, y DOUBLE, hotspots_result VARCHAR(10000));
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM * FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 100, 1.5, 3));`, dest)
	for i, p := range [][2]string{{"0", "0"}, {"1", "0"}, {"0", "1"}, {"50", "50"}} {
		h.src(fmt.Sprintf("11:00:0%d", i), p[0], p[1])
	}
	rows := h.rows(dest)
	last := rows[len(rows)-1]
	want := `{"hotspots":[{"density":0.75,"minValues":[0,0],"maxValues":[1,1]}]}`
	if !strings.HasSuffix(last, want) {
		t.Fatalf("last row %s", last)
	}
}

func TestRandomCutForestWithExplanation(t *testing.T) {
	h := newHarness(t, `a DOUBLE, b DOUBLE`, `
		CREATE STREAM "DESTINATION_SQL_STREAM" (a DOUBLE, b DOUBLE, anomaly_score DOUBLE, anomaly_explanation VARCHAR(512));
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(
			CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 10, 32, 1000, 1, TRUE));`, dest)
	for i := range 60 {
		a, b := fmt.Sprint(10+i%3), fmt.Sprint(5+i%2)
		if i == 55 {
			a = "90"
		}
		h.put(fmt.Sprintf("11:00:%02d", i), "SOURCE_SQL_STREAM_001", a, b)
	}
	rows := h.rows(dest)
	r := rows[55]
	var ex map[string]struct {
		Attribution    float64 `json:"ATTRIBUTION_SCORE"`
		Directionality string  `json:"DIRECTIONALITY"`
	}
	if err := json.Unmarshal([]byte(r[strings.LastIndex(r, "| ")+2:]), &ex); err != nil {
		t.Fatalf("explanation %s: %v", r, err)
	}
	if ex["A"].Attribution <= ex["B"].Attribution || ex["A"].Directionality != "HIGH" {
		t.Fatalf("explanation %s", r)
	}
}
